"""The QA charts at agency scale: 300 teams stay readable [issue 15].

The frame has the shape of demo scale 100 (2,389 supervisees in 300 teams), as the rules'
``function_balance`` returns it; the figure is inspected headlessly, before it is a PNG.
"""
import random

import pandas as pd

from supervision_kit.analytics import qa_charts

FUNCTIONS = ["management", "support", "development", "mediation"]


def scale_100_balance(seed: int = 15) -> pd.DataFrame:
    """Function balance of 2,389 supervisees in 300 teams, six recent sessions each."""
    rng = random.Random(seed)
    rows = []
    for i in range(2389):
        team = f"Team {i % 300:03d}"
        skew = (i % 300) / 300  # some teams cover mediation far less than others
        row = {"supervisee_id": f"p{i}", "name": f"Person {i}", "team": team, "sessions": 6,
               "flag": ""}
        for fn in FUNCTIONS:
            p = 0.2 + 0.7 * skew if fn == "mediation" else 0.8
            row[fn] = sum(rng.random() < p for _ in range(6))
        rows.append(row)
    return pd.DataFrame(rows)


def bars_of(ax, y: float):
    """The bars drawn on the row at ``y`` (a team's group of four)."""
    return [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - y) < 0.5]


def test_function_balance_at_scale_100_shows_visible_bars_for_the_teams_it_names():
    fig, reading, table = qa_charts.balance_figure(scale_100_balance())
    assert len(table) == 300  # the table behind the chart keeps every team
    fig.canvas.draw()
    ax, hist = fig.axes[0], fig.axes[1]
    # It fits on a screen (the old chart was 271 inches tall: an empty-looking frame).
    assert fig.get_figheight() <= 20
    ticks = [(t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()]
    named = [(y, name) for y, name in ticks if name.startswith("Team ")]
    assert len(named) == 20 and any("280 more teams" in n for _, n in ticks)
    # The worst team (least mediation) is named and the best too.
    least = table.set_index("team")[FUNCTIONS].min(axis=1)
    assert least.idxmin() in [n for _, n in named] and least.idxmax() in [n for _, n in named]
    px_per_unit = abs(ax.transData.transform((0, 1))[1] - ax.transData.transform((0, 0))[1])
    for y, name in named:
        bars = bars_of(ax, y)
        assert len(bars) == 4, name
        assert all(b.get_height() * px_per_unit >= 4 for b in bars), name  # ≥ 4 px tall
        widths = [round(b.get_width(), 1) for b in bars]
        expected = table.set_index("team").loc[name, FUNCTIONS].tolist()
        assert widths == expected, name  # the bar is the team's own share
        assert max(widths) > 0
    # Every team is in the histogram under the bars.
    assert sum(p.get_height() for p in hist.patches) == 300
    assert "mediation" in reading


def test_few_teams_are_all_drawn_without_a_histogram():
    fb = scale_100_balance()
    fb = fb[fb["team"].isin(["Team 001", "Team 002", "Team 003"])]
    fig, _, table = qa_charts.balance_figure(fb)
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(names) == ["Team 001", "Team 002", "Team 003"] and len(fig.axes) == 1


def test_qa_tabs_are_worked_out_when_first_shown(tmp_path):
    """The QA page draws its first chart; another tab's chart and the governance tabs are
    worked out when the person opens them (or code reads them by key)."""
    import datetime as dt

    from supervision_kit.apps.qa_app import QualityAssuranceApp
    from tests.worlds import small_world
    tk = small_world(tmp_path / "t.sqlite")
    qa = QualityAssuranceApp(tk.as_user("morgan"), as_of=dt.date(2024, 4, 2))
    assert bytes(qa.topics["frequency"].image.value).startswith(b"\x89PNG")
    assert bytes(qa.topics["balance"].image.value) == b""  # not drawn yet: its tab is not open
    supervisors = dict.__getitem__(qa.governance_tabs, "supervisors")  # without loading it
    assert supervisors.frame.empty and supervisors.text == ""
    qa.show_topic("balance")
    assert bytes(qa.topics["balance"].image.value).startswith(b"\x89PNG")
    qa.tabs.selected_index = list(qa.tabs.titles).index("By supervisor")
    assert "Sam Supervisor" in supervisors.frame["supervisor"].tolist()


def test_the_team_filter_works_out_only_the_topic_on_screen_and_the_summary(tmp_path):
    """Choosing a team and pressing Refresh works out the topic on screen and the summary
    for that team; another topic is worked out (and its views logged) when it is shown."""
    import datetime as dt
    import html

    from supervision_kit.apps.qa_app import LATER, QualityAssuranceApp
    from tests.worlds import small_world
    tk = small_world(tmp_path / "t.sqlite")
    log = tk.as_user("system")

    def rules_viewed_by(action):
        before = len(log.audit_log(limit=10_000, action="view"))
        action()
        views = log.audit_log(limit=10_000, action="view")  # newest first
        return {e["entity_id"] for e in views[:len(views) - before] if e["entity"] == "rules"}

    # on demand only: the background's own views are counted in the test below
    qa = QualityAssuranceApp(tk.as_user("morgan"), as_of=dt.date(2024, 4, 2), background=False)
    assert qa.summary.value.count(LATER) == len(qa.topics) - 1  # only Frequency so far
    qa.show_topic("drift")
    team = qa.team.options[1][1]
    qa.team.value = team
    assert rules_viewed_by(qa.refresh_button.click) == {"drift", "case_windows"}
    assert f"team {team}" in qa.summary.value
    assert qa.summary.value.count(LATER) == len(qa.topics) - 1
    assert html.escape(qa.topics.get("drift").text) in qa.summary.value
    assert rules_viewed_by(lambda: qa.show_topic("records")) == {"timeliness"}
    assert qa.summary.value.count(LATER) == len(qa.topics) - 2
    assert html.escape(qa.topics.get("records").text) in qa.summary.value
    assert qa.readings()["balance"] and LATER not in qa.summary.value  # read by key: worked out


def test_the_other_topics_are_ready_before_their_tabs_are_clicked(tmp_path):
    """After the page opens (and after a refresh) every topic is worked out in the
    background with its chart drawn; a tab click then shows it without working it out
    again, and the views logged are those the topics log when shown one by one."""
    import datetime as dt

    from supervision_kit.apps.qa_app import LATER, TOPICS, QualityAssuranceApp
    from tests.worlds import small_world
    tk = small_world(tmp_path / "t.sqlite")
    log = tk.as_user("system")

    def rules_viewed_by(action):
        before = len(log.audit_log(limit=10_000, action="view"))
        action()
        views = log.audit_log(limit=10_000, action="view")  # newest first
        return sorted(e["entity_id"] for e in views[:len(views) - before]
                      if e["entity"] == "rules")

    day = dt.date(2024, 4, 2)
    made = []

    def one_topic_at_a_time():
        made.append(QualityAssuranceApp(tk.as_user("morgan"), as_of=day, background=False))
        for key, _ in TOPICS:
            made[0].show_topic(key)
    expected = rules_viewed_by(one_topic_at_a_time)
    one_by_one = made.pop()

    def build():
        made.append(QualityAssuranceApp(tk.as_user("morgan"), as_of=day))
        made[0].wait_background()
        assert not dict.get(made[0].topics, "evaluation").image.value  # not yet shown
    assert rules_viewed_by(build) == expected  # each topic's views, once
    qa = made[0]
    assert LATER not in qa.summary.value  # every reading is known without a click
    for key, topic in dict.items(qa.topics):
        assert key not in qa._stale and topic.text
    assert rules_viewed_by(lambda: qa.show_topic("balance")) == []  # shown, not worked out
    assert bytes(dict.get(qa.topics, "balance").image.value).startswith(b"\x89PNG")
    assert one_by_one.readings() == qa.readings()

    team = qa.team.options[1][1]
    qa.team.value = team
    assert "drift" in rules_viewed_by(lambda: (qa.refresh_button.click(), qa.wait_background()))
    assert LATER not in qa.summary.value and f"team {team}" in qa.summary.value
    one_by_one.team.value = team
    one_by_one.refresh_button.click()
    assert one_by_one.readings() == qa.readings()  # the background used the new team
