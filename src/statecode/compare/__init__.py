"""Comparison of accounts of one event: what each account raises, leaves out, and stresses.

Two or more governments publish their own accounts (readouts) of one event, such as a phone
call between their leaders. Once the statements of every account are coded (one coding per
statement, e.g. a :func:`~statecode.consensus`), :func:`compare_accounts` tabulates per event
which categories each account raises and in how many statements, where the accounts diverge,
how similar each pair is, which categories an account stresses beyond the others (with
Fisher's exact test), and the statements behind every figure.
:func:`~statecode.plot_accounts` draws the category x account dot matrix of one event.
"""

from statecode.compare._accounts import Comparison, compare_accounts
from statecode.compare._input import DOCUMENT_ATTRIBUTES, EMPTY_CODES
from statecode.options import Adjustment

__all__ = ["DOCUMENT_ATTRIBUTES", "EMPTY_CODES", "Adjustment", "Comparison", "compare_accounts"]
