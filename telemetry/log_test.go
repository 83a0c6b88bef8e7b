package telemetry

import (
	"io"

	"github.com/rs/zerolog"
)

func newTestLogger(w io.Writer) zerolog.Logger { return zerolog.New(w).Hook(LogHook{}) }
