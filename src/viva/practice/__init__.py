"""Practice: spaced-repetition scheduling, drill sessions, planning to the interview date.

Plain domain code: every function takes `now` explicitly; nothing here does I/O.
"""
