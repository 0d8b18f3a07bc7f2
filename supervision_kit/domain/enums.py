"""The fixed vocabularies of the seed policies."""
from enum import StrEnum


class Role(StrEnum):
    """What a user may do (SPEC "Data protection")."""
    PRACTITIONER = "practitioner"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    AUDITOR = "auditor"
    RESEARCHER = "researcher"
    TRAINER = "trainer"
    ADMIN = "admin"


class AgencyType(StrEnum):
    SOCIAL_CARE = "children's social care"
    SCHOOL = "school"
    HEALTH = "health"
    EARLY_HELP = "early help"
    OTHER = "other"


class CaseStatus(StrEnum):
    EARLY_HELP = "early help"
    CIN = "child in need"
    CP = "child protection plan"
    LAC = "looked after"
    OTHER = "other"
    CLOSED = "closed"


class SessionType(StrEnum):
    ONE_TO_ONE = "one-to-one"
    GROUP = "group"
    AD_HOC = "ad-hoc"
    CLINICAL = "clinical"


class SessionState(StrEnum):
    DRAFT = "draft"
    AWAITING = "awaiting signatures"
    SIGNED = "signed"
    CANCELLED = "cancelled"


class RAG(StrEnum):
    """Are the child's circumstances improving (G), the same (A), worse (R)?"""
    G = "G"
    A = "A"
    R = "R"

    @property
    def meaning(self) -> str:
        return {"G": "improving", "A": "the same", "R": "worse"}[self.value]


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ReviewOutcome(StrEnum):
    DONE = "done"
    CARRIED = "carried forward"
    DROPPED = "dropped"


class Function(StrEnum):
    """The four functions of supervision [PG41 1; Havering 4]."""
    MANAGEMENT = "management"
    SUPPORT = "support"
    DEVELOPMENT = "development"
    MEDIATION = "mediation"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class OversightStatus(StrEnum):
    PENDING = "pending"
    AGREED = "agreed"
    DISAGREED = "disagreed"
    MORE_INFO = "more information requested"


EVALUATION_STATEMENTS = (
    "I am happy about the length of supervision sessions.",
    "I am happy to speak to you about cases that concern me.",
    "I am happy with the level of discussion in the sessions.",
    "I understand the actions agreed.",
    "I feel that you help me formulate a plan to move forward.",
    "I feel you believe me when I tell you I am concerned about a child or family.",
    "I am given time to reflect.",
    "I am given time to talk about issues concerning to me.",
    "I feel you respect me.",
    "I feel adequately equipped to deal with the cases I have.",
)
