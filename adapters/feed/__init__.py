"""The event feed (events.md): each audit entry as a CloudEvent, pulled over HTTP or pushed to
NATS JetStream by the relay."""
