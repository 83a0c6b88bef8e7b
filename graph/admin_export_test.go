package graph

// The admin domain's internals that graph_test exercises directly.
var (
	ReadEvents = readEvents
	GladlyEnum = gladlyEnum
)
