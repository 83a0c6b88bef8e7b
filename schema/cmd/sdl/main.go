// Command sdl prints gladgraph's federation subgraph SDL — the text gladgraph answers to
// `{ _service { sdl } }`, which Rover and the gateways compose from — so that it can be committed
// as schema.graphql and compared between revisions (make schema, make schema-check):
//
//	go run ./schema/cmd/sdl > schema.graphql
package main

import (
	"fmt"
	"os"
)

func main() {
	sdl, err := SDL()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdl:", err)
		os.Exit(1)
	}
	fmt.Print(sdl)
}
