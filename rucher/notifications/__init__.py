"""In-app notifications (F-NOTIFY): who should know what, read and unread."""
