"""The application layer: the questions every face asks, answered once.

The CLI today, the call-out, the period overview and a web page next all need the same answers: the
assessment briefing with its routing and whom to convene, who is reachable at a moment, an incident's
timeline and sitrap, a monitor round and its history. Each module here holds one capability's use cases
as plain functions over plain results. Faces parse their input, call a use case and render its result;
files, the clock, SQLite and HTTP are reached from here, never from the domain below.
"""
