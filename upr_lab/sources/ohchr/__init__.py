"""Official OHCHR documents of a review (PDF or text): the text itself (``text``) and one module per kind
of document (``stakeholders``: summaries of stakeholders' submissions)."""
