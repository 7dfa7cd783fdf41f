"""The read side: views of the events in SQL, their runner, waiting and rebuilding."""
