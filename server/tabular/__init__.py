"""The import's parts, one concern a module: reading files (reading), natural-key lookups
(lookups), each column's cell format (cells), the seven kinds (kinds/), checking a whole file
(plan), writing it in bulk (write) and the report (report). The entry point is
server.importing.import_file."""
