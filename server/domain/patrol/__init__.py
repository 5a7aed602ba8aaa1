"""Patrol rounds: made from schedules, matched against scans, judged as data arrives."""
