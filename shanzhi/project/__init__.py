"""The top layer: what wires the apps together and belongs to none of them (the demo's seeding)."""
