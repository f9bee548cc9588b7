"""Background work of isolation (django.tasks): none periodic yet. The isolations with no
care visit today are read live on the home pages (apps.web.urgent.isolation_urgent)."""
