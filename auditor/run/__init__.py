"""Many pairs at once: batch manifests, the local worker pool and the Ray engine, their sinks, and document matching."""
