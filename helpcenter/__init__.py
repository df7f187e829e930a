"""The multilingual help center: articles, search, feedback, announcements, forum."""
