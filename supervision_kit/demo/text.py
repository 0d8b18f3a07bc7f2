"""Obviously synthetic names and the short texts a demo record is written in.

Templates are ``str.format_map`` strings over a case context: ``c`` a child, ``cs`` the
child's, ``c2`` another child (or the same one), ``kids`` all the children, ``p``/``ps``/``pf``
a parent, ``q`` another adult, ``fam`` the surname, ``phone``, ``pc`` postcode and ``day``
a date, so anonymisation has names, numbers and dates to find.
"""
from __future__ import annotations

CHILD_NAMES = (
    "Jamie", "Alex", "Riley", "Charlie", "Frankie", "Ellis", "Harley", "Kai", "Rowan", "Skye",
    "Quinn", "Reese", "Toby", "Maya", "Leo", "Ava", "Noah", "Isla", "Finn", "Ruby", "Oscar",
    "Poppy", "Theo", "Freya", "Arlo", "Ivy", "Milo", "Daisy", "Jude", "Nell", "Ezra", "Lola",
    "Reggie", "Mabel", "Alfie", "Esme", "Ronnie", "Tilly", "Ted", "Hattie", "Zara", "Rory")
ADULT_NAMES = (
    "Dana", "Lee", "Kerry", "Jo", "Chris", "Lesley", "Nicky", "Terry", "Pat", "Sandy",
    "Shannon", "Gemma", "Wayne", "Carla", "Darren", "Leanne", "Stacey", "Craig", "Marcus",
    "Priya", "Aisha", "Tomasz", "Agnieszka", "Kwame", "Ifeoma", "Rhian", "Siobhan", "Dale",
    "Bernie", "Kelly", "Jodie", "Ryan", "Shaun", "Tanya", "Mandy", "Gary", "Claire", "Nadia")
STAFF_NAMES = (
    "Morgan", "Taylor", "Jordan", "Casey", "Robin", "Sam", "Hilary", "Ashley", "Jess", "Kim",
    "Sasha", "Lindsay", "Drew", "Avery", "Hayden", "Emery", "Sidney", "Devon", "Marley", "Rene",
    "Bobbie", "Jackie", "Sunita", "Olu", "Fern", "Imogen", "Harriet", "Owen", "Rhys", "Niamh")
SURNAMES = (
    "Testington", "Exampleton", "Sampleford", "Mockridge", "Dummerby", "Placeholt", "Fictionby",
    "Draftwell", "Pretendon", "Trialworth", "Demoforth", "Specimore", "Proxley", "Stubworth",
    "Fauxley", "Madeupson", "Synthby", "Inventon", "Testcombe", "Mockford", "Samplewood",
    "Exampleby", "Dummington", "Placeford", "Trialby", "Demoville", "Proxford", "Stubbington",
    "Fakesley", "Notrealton")
STREETS = ("Example", "Sample", "Test", "Mock", "Placeholder", "Fiction", "Demo", "Draft",
           "Specimen", "Pretend")
STREET_KINDS = ("Road", "Close", "Way", "Street", "Gardens", "Crescent", "Lane")
TOWNS = ("Testbury", "Sampleham", "Exampleford", "Mockton", "Demoport")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXY"

SOCIAL_TEAMS = ("Team North", "Team South", "Team East", "Team West", "Team Central")
SCHOOLS = ("Oakfield Primary DSL", "Birchwood Primary DSL", "Elmgrove Academy DSL",
           "Willowbank Primary DSL", "Hazelmere High DSL")
HEALTH_TEAMS = ("Riverside Health Visiting", "Meadowview School Nursing",
                "Brookside Community Paediatrics", "Larchfield Health Visiting")

# Structured case-discussion answers [HSCB Appendix III; Havering 9.2]; "{rag}" variants first.
SUMMARY = {
    "G": ("Since last supervision {c} has attended school every day and {p} kept all appointments.",
          "{pf} has engaged with the parenting course; {cs} health visitor review on {day} was positive.",
          "Home visit on {day}: the home was warm and tidy and {c} was relaxed with {p}."),
    "A": ("Little has changed for {c}; {p} attends some meetings but not others.",
          "{cs} attendance is still around 80%; {q} has moved back into the home.",
          "Two home visits since last time; {p} was not in on {day} and did not call back."),
    "R": ("Police were called to the {fam} household on {day} after an argument between {p} and {q}.",
          "School reports {c} arrived hungry three times this week and {cs} weight has dropped.",
          "{pf} has missed the last three appointments and is not answering {phone}."),
}
WORRIES = (
    "Worried about {cs} exposure to domestic abuse between {p} and {q}; risk from {q}.",
    "Neglect: {kids} often unsupervised in the evenings; {ps} drinking has increased.",
    "{cs} emotional wellbeing; {c} has talked about not wanting to go home.",
    "Home conditions at {pc} are poor and {p} struggles to manage {cs} behaviour.",
    "Possible exploitation: {c} seen late at night with older young people.")
WORKING_WELL = (
    "{p} is honest with the worker and asks for help; grandparent support nearby.",
    "{c} has a good relationship with the class teacher and the school nurse.",
    "{pf} has attended every core group and has stopped contact with {q}.",
    "The family has a stable tenancy and {c2} is settled at nursery.",
    "{p} recognises the impact on {c} and has started counselling.")
BARRIERS = (
    "{p} works shifts, so meetings have been hard to arrange; phone {phone} often off.",
    "{q} refuses to engage with any professional.",
    "Waiting list for CAMHS is 18 weeks.",
    "Housing: the family may be moved out of area from {pc}.",
    "Interpreter needed for {p}; availability has delayed visits.")
IMPACT = {
    "G": ("{c} is calmer, sleeping better and attendance has improved.",
          "{c} told the worker things at home feel 'happier'."),
    "A": ("{c} remains anxious; no clear change in {cs} day-to-day experience.",
          "Impact on {c} is unchanged; {c2} still caring for younger sibling."),
    "R": ("{c} is withdrawn and has had two incidents at school this week.",
          "{cs} development is slipping further behind; missed health appointments."),
}
NEEDS = (
    "{c} needs consistent boundaries, regular meals and a safe adult to talk to.",
    "Speech and language assessment for {c}; dental check for {c2}.",
    "{c} needs to understand what is happening; direct work planned.",
    "Routine, school attendance and protection from adult conflict.")
ENGAGEMENT = (
    "{p} engages well; capacity for change looks good.",
    "{p} agrees in meetings but does not follow through; {q} hostile.",
    "Disguised compliance is a concern: {p} says the right things but little changes.",
    "{pf} is engaging more since the change of worker.")
PLAN = (
    "Continue CIN plan: school to monitor attendance, health visitor fortnightly visits.",
    "Core group on {day}; police to share any callouts; worker to visit weekly.",
    "Family Support Worker to start parenting work with {p}; GP to review {ps} medication.",
    "Early help plan: school pastoral lead and family hub keep weekly contact.")
AMENDMENT = {
    "G": ("No change to the plan; consider step-down at next review.",
          "Plan working; reduce visits to fortnightly."),
    "A": ("Drift: no change for three months; escalate to team manager for a review of the plan.",
          "Consider a legal planning meeting if no change by the next core group."),
    "R": ("Request a strategy discussion; consider s47 enquiries.",
          "Escalate to child protection conference; update the risk assessment."),
}
REFUSAL = (
    "If {p} refuses services, discuss with team manager and record reasons; consider threshold again.",
    "Worker to explain the consequences of refusal to {p} in writing.",
    "Not applicable: family accepting services.")
DECISION = {  # by the discussion's RAG, four each so a seed gives the same agency as before
    "G": ("Agreed: continue with the current plan and review in four weeks.",
          "Agreed: step down to early help if progress continues.",
          "Agreed: keep the plan; reduce visits to fortnightly.",
          "Agreed: prepare to end the plan at the next review."),
    "A": ("Agreed: continue with the current plan and review in four weeks.",
          "Agreed: convene a professionals meeting before the next review.",
          "Agreed: revise the plan with clear timescales for change.",
          "Agreed: escalate to the team manager for oversight of the plan."),
    "R": ("Agreed: escalate to the team manager for oversight of the plan.",
          "Agreed: convene a professionals meeting before the next review.",
          "Agreed: request a strategy discussion.",
          "Agreed: review the risk assessment this week."),
}
RATIONALE = {
    "G": ("Evidence of sustained change for {c} over two months.",
          "{p} is engaging and {cs} needs are being met.",
          "School and health both report that {c} is doing better.",
          "The plan is working: {c} is safer than at the last review."),
    "A": ("No change for {c} yet; the plan needs more time or a different approach.",
          "{p} engages but nothing has changed for {c}.",
          "Concerns for {c} are neither better nor worse since last time.",
          "Progress for {c} has stalled; watch for drift."),
    "R": ("No improvement for {c} despite support; risk remains.",
          "New information from school about {c} raises concern.",
          "{p} has stopped engaging and {c} is at greater risk.",
          "A new incident shows that {cs} situation has worsened."),
}

AGENDA = ("Review of actions; case discussions; wellbeing; training.",
          "Caseload review; ASYE portfolio; wellbeing.",
          "Actions from last time; {n} cases; learning and development; workload.")
WELLBEING = ("{s} reports feeling well supported; sleeping better.",
             "{s} is tired after a difficult visit; talked about the impact of the work.",
             "Good; {s} has booked annual leave.",
             "{s} feels stretched; agreed to protect time for recording.")
WORKLOAD = ("Caseload of {k}; manageable.", "{k} cases; court work this month is heavy.",
            "Caseload {k}; one new allocation agreed.", "High: {k} cases; no new allocations for two weeks.")
SICKNESS = ("None.", "None since last supervision.", "Two days off with a cold.")
TRAINING_SINCE = ("None.", "Attended domestic abuse awareness refresher.",
                  "Completed the neglect toolkit e-learning.", "Attended a court skills workshop.")
LEARNING = ("Wants to develop skills in direct work with teenagers.",
            "Reading on disguised compliance; will bring reflections next time.",
            "Shadowing a child protection conference chair.",
            "Working on the ASYE portfolio: critical reflection piece.")
GROUP_CONFIDENTIALITY = (
    "Group agreed that case details stay within the group; names used only where needed.",
    "Ground rules: confidentiality, respect, one person speaks at a time; notes shared with attendees only.")

GIBBS = {
    "description": ("Visit to the {fam} family on {day}; {p} was angry and would not let me see {c}.",
                    "Core group for {c}; {q} arrived late and disputed the minutes."),
    "feelings": ("I felt anxious and a bit intimidated.", "Frustrated, then worried about {c}."),
    "evaluation": ("I stayed calm and explained why I needed to see {c}.",
                   "The meeting stayed focused on {cs} needs."),
    "analysis": ("I think {p} felt judged; I could have explained the purpose of the visit earlier.",
                 "Power in the room sat with {q}; the child's voice was missing."),
    "conclusion": ("Preparation and a clear purpose would have helped.",
                   "I need to bring {cs} views into every meeting."),
    "action_plan": ("Plan visits with a colleague; use the child's words in the plan.",
                    "Ask {c} to draw what a good day looks like before the next meeting."),
}
KOLB = {
    "experience": ("Telephone call from {p} on {phone} asking for {c} to be removed from the plan.",
                   "Joint visit with police to {pc}."),
    "reflection": ("What did I notice? {p} sounded exhausted rather than angry.",
                   "I focused on the adults and lost sight of {c}."),
    "analysis": ("Research on parental stress suggests practical help first.",
                 "My assumptions about {q} shaped what I heard."),
    "action_planning": ("Offer practical support and a clear written plan to {p}.",
                        "Next visit: see {c} alone first."),
}
EVAL_MORE = ("Time to reflect.", "Case discussion on complex families.", "Feedback on my recording.", "")
EVAL_LESS = ("Cancelled sessions.", "Time on performance data.", "", "")
OBS_SETTINGS = ("Home visit to the {fam} family", "Child protection conference for {c}",
                "Core group meeting for {kids}", "Direct work session with {c} at school")
OBS_WELL = ("Warm, clear communication with {p}; {c} was seen alone.",
            "Explained the plan in plain language; checked {ps} understanding.")
OBS_DEV = ("Summarise agreed actions before leaving.", "Bring the child's voice into the report.",
           "Challenge {q} more directly about missed appointments.")
DISAGREE = ("Worker and supervisor disagreed whether {c} should be stepped down from the CP plan.",
            "Disagreement about the threshold for {c}: worker thinks CIN, supervisor thinks CP.")
RESOLVE = ("Agreed to seek a second opinion from the team manager.",
           "Resolved after discussion: keep the current plan and review in two weeks.")
ESCALATION_OUTCOME = "Team manager reviewed the case and agreed the worker's view; plan amended."
ACTIONS = ("Visit {c} at home and see {c} alone.", "Update the risk assessment for {c}.",
           "Refer {p} to the domestic abuse service.", "Chase CAMHS referral for {c}.",
           "Arrange a core group meeting for {c}.", "Call {p} on {phone} to agree the visit.",
           "Send the written plan to {pf}.", "Complete the chronology for the {fam} family.")
STAFF_ACTIONS = ("Book safeguarding refresher training.", "Complete ASYE reflective log.",
                 "Audit caseload recording.", "Read the neglect strategy and bring reflections.")
REVIEW_NOTES = {"done": ("Completed.", "Done; see case record."),
                "carried forward": ("Not yet done; carried forward.", "Partly done; new date agreed."),
                "dropped": ("No longer needed: case circumstances changed.",)}
ADDENDUM = ("Addendum: {p} phoned after the session with new information; plan unchanged.",
            "Addendum: correction to the date of the core group (now {day}).")
REQUEST_KINDS = ("three-way meeting", "urgent case discussion", "additional supervision")
REQUEST_REASONS = ("Worker asks for a three-way meeting with the line manager about workload.",
                   "Urgent discussion needed about new information on {c}.",
                   "Requests extra supervision while holding a complex CP case.")
COURSES = (("Safeguarding Children Level 3", 3), ("Working Together update", 2),
           ("Neglect and the Graded Care Profile", 2), ("Domestic Abuse Awareness", 1),
           ("Supervision Skills for Supervisors", 3), ("Child Exploitation", 2))
RATING_RATIONALE = ("Nothing has changed for the child.", "Clear improvement in attendance.",
                    "New incident raises risk.", "Hard to tell from the update.", "")

PRESET_TERMS = {
    "havering_social_work": ("monthly (weekly then fortnightly during the ASYE)", "90 minutes"),
    "temple_school_dsl": ("once every half term", "about an hour"),
    "hscb_multi_agency": ("at least quarterly", "60 minutes"),
    "health_clinical": ("every four to six weeks", "60 minutes"),
}


def contract_terms(preset: str) -> dict[str, str]:
    """Contract terms for a preset [Havering 6; Temple Appendix 1; HSCB Appendix IV]."""
    freq, length = PRESET_TERMS[preset]
    return {
        "purpose": "To support safe, reflective practice and keep the child at the centre.",
        "frequency": freq, "duration": length, "venue": "A private room, free from interruptions.",
        "supervisor_responsibilities": "Keep to time, record the session, follow up actions.",
        "supervisee_responsibilities": "Prepare, bring cases and reflections, complete actions.",
        "recording": "Supervisor records within two working days; both sign the record.",
        "ad_hoc": "Urgent discussions can be requested at any time.",
        "cancelling": "Cancelled sessions are rearranged within five working days.",
        "agenda_setting": "Agreed jointly at the start of each session.",
        "disagreement": "Recorded on the record; unresolved disagreement is escalated to the manager.",
        "complaints_review": "Reviewed annually or on change of supervisor.",
    }
