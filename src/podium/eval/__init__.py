"""Accuracy evaluation on labelled recordings (``podium eval ...``)."""
