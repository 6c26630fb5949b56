"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server."""

# The browser fixture, screenshot_dir, PHONE and DESKTOP live in tests/conftest.py, shared by every
# browser test in the suite.
