"""The quality-assurance charts now live in ``analytics.qa_charts`` (the inspection report
draws them too); this name is kept for the app and older callers."""
from ..analytics.qa_charts import *  # noqa: F401,F403
from ..analytics.qa_charts import NO_TEAM  # noqa: F401
