"""Benchmark: free-text redaction against one plain name alternation (in-run baseline).

Synthesises ~5 MB of supervision notes (fixed seed) over ~2,000 cases of ~4
people each plus 200 workers.  Baseline: ONE compiled ``re`` alternation of
every known name (longest first, case-insensitive, word-bounded) applied with
``.sub("[X]", text)``.  Ours: ``Redactor.redact`` (names with typed
placeholders + every pattern identifier).  Prints throughput and the time
ratio (target <= 2x), in CPU seconds.  Run:
``.venv/bin/python benchmarks/anonymise_text.py`` (a few minutes: the
baseline alone takes about three; ``--mb 1`` for a quick look).
"""

from __future__ import annotations

import argparse
import random
import re
import time

from supervision_kit.export.redact import Person, Redactor

FIRST = """Jamie Donna Marcus Priya Aisha Ben Chloe Daniel Ella Finn Grace Harry Isla Jack Kayla Liam
Maya Noah Olivia Poppy Reuben Sophie Tyler Uma Violet Wyatt Yusuf Zara Amir Bethany Callum Demi
Ethan Freya George Hannah Isaac Jade Kieran Leah Mason Niamh Oscar Paige Riley Sienna Theo Ruby
Alfie Amelia Archie Ava Charlie Connor Darcy Dylan Evie Frankie Harvey Imogen Jacob Jessica Kai
Lacey Logan Lola Louis Mia Mohammed Nathan Phoebe Reece Rosie Ryan Scarlett Shannon Tia Tommy
Courtney Kyle Jordan Brandon Chantelle Dean Tracey Sharon Wayne Kerry Stacey Lee Gemma Carl
Marek Agnieszka Oluwaseun Chidi Fatima Bilal Hamza Sadia Tariq Nadia Precious Kwame Ama""".split()
LAST = """Fletcher O'Neill-Baptiste Raman Ahmed Baker Clarke Davies Evans Foster Green Hughes Jones
Khan Lewis Morris Patel Roberts Smith Taylor Walker Wilson Wright Young Begum Hussain Kowalski
Nowak Okafor Mensah Adeyemi McCarthy O'Brien Doherty Murphy Kelly Byrne Hall Wood Thompson Robinson
Thomas Jackson White Harris Martin Cooper Ward Turner Hill Moore Allen King Scott Price Bennett
Gray Cox Bell Mitchell Carter Phillips Marshall Chapman Holmes Shaw Lloyd Hart Webb Mason Rose
Gibson Knight Pearce Fisher Barker Hunt Palmer Riley Stevens Cole Dixon Lawrence Reid Mills
Atkinson Barnes Burton Fraser Howard Kaur Singh Ali Rahman Chowdhury Ibrahim Osei Boateng""".split()
ROLES = ["child", "parent", "carer", "sibling", "other"]

SENTENCES = [
    "Discussed the child protection plan and whether the core group is meeting as agreed.",
    "The supervisor asked what we know about the daily lived experience of the child.",
    "School report that attendance has dropped to 82% this term and lateness is increasing.",
    "Health visitor has not been able to gain access on the last two visits.",
    "We reflected on the impact of domestic abuse on the children and on the worker.",
    "Hypothesis: the family may be minimising alcohol use because of fear of removal.",
    "Agreed actions: update the chronology, complete the assessment, and convene a strategy meeting.",
    "The worker described feeling stuck and anxious about the next visit.",
    "Police attended following a call from a neighbour; no arrests were made.",
    "CAMHS referral is still waiting for triage and the GP has been asked to chase.",
    "Voice of the child is not yet clear in the recording and needs direct work.",
    "Manager oversight: risk remains significant, threshold for Section 47 is met.",
    "The conference was rescheduled and the independent chair has been informed.",
]
NAMED = [
    "{c} told the worker that {c_f} likes football and misses {p_f}.",
    "Visited {c} at home; {p} was present and {k_f} arrived later.",
    "{w} discussed with {p_f} the concerns raised by school about {c_f}'s bruising.",
    "{c_f} said that {k} shouts when drinking, and that {c_f} hides in the bedroom.",
    "The {l}s were not at home; a card was left for {p_f}.",
    "Supervision with {w}: reflected on how {p_f} responds when challenged.",
    "{C_U} WAS SEEN ALONE. {c_f} appeared withdrawn.",
]
IDENTIFIERS = [
    "Seen on {d}/{m}/2024 at school.",
    "Next review {d} March 2025.",
    "Contact number 07700 9{n5}.",
    "New address: {hn} Acacia Avenue, Romford RM1 3BB.",
    "NHS number 943 476 5919 confirmed with the GP.",
    "Case ref CR-2024-{n6} transferred from the MASH.",
    "Email from school: office@school{hn}.sch.uk.",
]


def build(n_cases: int, n_workers: int, target_bytes: int, seed: int = 7):
    """Deterministic people, workers and (case_key, text) notes."""
    rng = random.Random(seed)
    workers = [Person(rng.choice(FIRST), rng.choice(LAST), "worker") for _ in range(n_workers)]
    people = {}
    for i in range(n_cases):
        fam = rng.choice(LAST)
        size = rng.randint(3, 5)
        people[f"CR-2024-{i:06d}"] = [
            Person(rng.choice(FIRST), fam if r in ("child", "parent", "sibling") else rng.choice(LAST), r)
            for r in ["child", "parent"] + rng.choices(ROLES[2:], k=size - 2)
        ]
    notes, total, keys = [], 0, list(people)
    while total < target_bytes:
        key = rng.choice(keys)
        c, p, k = people[key][0], people[key][1], people[key][-1]
        w = rng.choice(workers)
        parts = []
        for _ in range(rng.randint(6, 16)):
            roll = rng.random()
            if roll < 0.55:
                parts.append(rng.choice(SENTENCES))
            elif roll < 0.9:
                parts.append(rng.choice(NAMED).format(
                    c=f"{c.first} {c.last}", c_f=c.first, p=f"{p.first} {p.last}", p_f=p.first,
                    k=f"{k.first} {k.last}", k_f=k.first, w=f"{w.first} {w.last}", l=c.last,
                    C_U=c.first.upper()))
            else:
                parts.append(rng.choice(IDENTIFIERS).format(
                    d=rng.randint(1, 28), m=rng.randint(1, 12), n5=rng.randint(10000, 99999),
                    hn=rng.randint(1, 200), n6=rng.randint(0, 999999)))
        text = " ".join(parts)
        notes.append((key, text))
        total += len(text.encode())
    return people, workers, notes


def baseline_regex(people, workers) -> re.Pattern:
    """The plain approach: one alternation of every known name form."""
    names = set()
    for p in [q for ps in people.values() for q in ps] + workers:
        names.update({p.first, p.last, f"{p.first} {p.last}"})
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"\b(?:" + alts + r")\b", re.IGNORECASE)


def main(argv=None) -> None:
    """Run the benchmark and print MB/s for both and the time ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=200)
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings")
    args = ap.parse_args(argv)

    people, workers, notes = build(args.cases, args.workers, int(args.mb * 1_000_000))
    mb = sum(len(t.encode()) for _, t in notes) / 1_000_000

    t0 = time.perf_counter()
    base = baseline_regex(people, workers)
    base_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    redactor = Redactor(people, workers)
    ours_compile = time.perf_counter() - t0

    def cpu_time(fn, repeat):
        # CPU time, best of ``repeat``: the machine may be shared, and both
        # sides are single-threaded Python, so this is the fairest clock.
        times = []
        for _ in range(repeat):
            t = time.process_time()
            fn()
            times.append(time.process_time() - t)
        return min(times)

    t_ours = cpu_time(lambda: [redactor.redact(t, k) for k, t in notes], args.repeat)
    # The baseline is slow (Python's re tries every alternative at every
    # position), so it runs once; a longer run only makes it look better.
    t_base = cpu_time(lambda: [base.sub("[X]", t) for _, t in notes], 1)
    print(f"corpus: {mb:.2f} MB in {len(notes)} notes, {len(people)} cases, {len(workers)} workers")
    print(f"compile: redactor {ours_compile:.2f} s, baseline {base_compile:.2f} s")
    print(
        f"redaction: {mb / t_ours:.3g} MB/s, baseline {mb / t_base:.3g} MB/s, "
        f"time ratio {t_ours / t_base:.3g}x (target <= 2x)"
    )

if __name__ == "__main__":
    main()
