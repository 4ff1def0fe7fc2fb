"""Computations in a process of their own (``own_process.call``): forked from a server that has done the
imports (``forkserver``, Linux) or a new interpreter; each ends with the process that asked
(``lifetime``)."""
