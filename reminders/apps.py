from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        """Listen to what the meeting and case services announce (consultteam/events.py): they
        import nothing from this app, and the reminder rows are written in their transaction."""
        from consultteam.events import MeetingsChanged, ReviewRequested, subscribe
        from reminders.scheduling import on_meetings_changed
        from reminders.services import on_review_requested

        subscribe(MeetingsChanged, on_meetings_changed)
        subscribe(ReviewRequested, on_review_requested)
