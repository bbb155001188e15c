"""`rucher demo`: loads the demo organisation (idempotent) and prints how to log in."""

import io
from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper

from rucher.accounts.demo import ADMIN_USERNAME, DEMO_PASSWORD, demo_load
from rucher.agenda.demo import demo_agenda_load
from rucher.analytics.demo import demo_analytics_load
from rucher.content.demo import demo_content_load
from rucher.documents.demo import demo_documents_load
from rucher.life.demo import demo_life_load
from rucher.polls.demo import demo_polls_load
from rucher.qa.demo import demo_questions_load
from rucher.recognition.demo import demo_recognition_load
from rucher.search.management.commands.search_rebuild import rebuild_with_progress
from rucher.toolbox.demo import demo_toolbox_load


class Command(BaseCommand):
    help = "Load the demo organisation (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--brief", action="store_true", help="One line of summary, no login instructions."
        )
        parser.add_argument(
            "--login-only",
            action="store_true",
            help="Load nothing; print how to log in (`runall --login-hint` does, last).",
        )
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["login_only"]:
            self._login_line(options["base_url"])
            return
        if options["brief"]:
            out = self.stdout
            self.stdout = OutputWrapper(io.StringIO())
            try:
                self._load()
            finally:
                self.stdout = out
            self.stdout.write("Demo organisation ready.")
            return
        self._load()
        self._login_line(options["base_url"])

    def _login_line(self, base_url: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {base_url}/accounts/login/ as '{ADMIN_USERNAME}' "
                f"(administrator) or 'camille.martin' (member), password '{DEMO_PASSWORD}'."
            )
        )

    def _load(self) -> None:
        result = demo_load()
        self.stdout.write(
            f"Demo organisation: {result['people']} people ({result['created']} created now)."
        )
        content = demo_content_load()
        self.stdout.write(
            f"Demo content: {content['communities']} communities, "
            f"{content['memberships']} memberships and {content['posts']} posts created now."
        )
        questions = demo_questions_load()
        self.stdout.write(
            f"Demo questions: {questions['questions']} questions created now "
            f"({questions['promises']} answer-time promises set)."
        )
        # Before recognition: its demo grants the points of the posts it finds.
        toolbox = demo_toolbox_load()
        self.stdout.write(
            f"Demo toolbox: {toolbox['articles']} articles, {toolbox['topics']} forum topics "
            f"and {toolbox['ideas']} ideas created now."
        )
        agenda = demo_agenda_load()
        polls = demo_polls_load()
        self.stdout.write(
            f"Demo events and polls: {agenda['events']} events and {polls['polls']} polls "
            "created now."
        )
        documents = demo_documents_load()
        self.stdout.write(f"Demo documents: {documents['documents']} documents created now.")
        recognition = demo_recognition_load()
        self.stdout.write(
            f"Demo recognition: {recognition['points']} points entries, "
            f"{recognition['thanks']} thanks, {recognition['badges']} badges and "
            f"{recognition['top3']} people in last week's top 3 created now."
        )
        life = demo_life_load()
        self.stdout.write(
            f"Demo everyday life: {life['sites']} sites, {life['desks']} desks and "
            f"{life['services']} services created now."
        )
        analytics = demo_analytics_load()
        self.stdout.write(
            f"Demo analytics: {analytics['facts']} activity facts created now, "
            f"{analytics['days']} days of rollups rebuilt."
        )
        # Demo rows are written below the actions: the search index is refilled once at the end.
        self.stdout.write(rebuild_with_progress(enabled=False))
