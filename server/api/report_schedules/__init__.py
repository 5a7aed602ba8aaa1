"""Report schedules: which reports go to whom, and when."""
