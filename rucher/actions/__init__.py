"""Writes whose effects span several apps, composed in one place (docs/decisions.md).

Each action calls the write services of the apps below it (content, qa, recognition,
notifications, moderation, mail) in order, in one transaction, and schedules the fan-out
after commit. Entry points (views, API, email-in, tasks, demo, seed) call actions; the apps
themselves never import this package.
"""
