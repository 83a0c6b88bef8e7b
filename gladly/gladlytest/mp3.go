package gladlytest

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Recordings are served as Gladly documents them: single-channel 32 kbps MP3. The fake writes
// real MPEG-1 Layer III frames at 32 kHz (1152 samples, so 36 ms and exactly 144 bytes each,
// never padded) carrying silence: zero side information, so no Huffman data and no sound.
const (
	mp3SampleRate      = 32000
	mp3SamplesPerFrame = 1152
	mp3FrameBytes      = 144 // 144 × bitrate / sample rate
)

// mp3Frame is one silent frame.
var mp3Frame = func() [mp3FrameBytes]byte {
	var f [mp3FrameBytes]byte
	f[0] = 0xFF // frame sync (11 bits)…
	f[1] = 0xFB // …, MPEG-1, Layer III, no CRC
	f[2] = 0x18 // bitrate index 1 (32 kbps), sample-rate index 2 (32 kHz), no padding
	f[3] = 0xC4 // single channel, original
	return f
}()

// mp3Frames is how many frames hold seconds of audio.
func mp3Frames(seconds int) int {
	return (max(seconds, 0)*mp3SampleRate + mp3SamplesPerFrame - 1) / mp3SamplesPerFrame
}

// writeMP3 answers 200 with a silent MP3 of the given length, written in chunks so that a reader
// that stops early stops the writing too.
func writeMP3(ctx context.Context, w http.ResponseWriter, seconds int, pace time.Duration) {
	frames := mp3Frames(seconds)
	w.Header().Set("Content-Type", "audio/mpeg")
	w.Header().Set("Content-Length", strconv.Itoa(frames*mp3FrameBytes))
	w.WriteHeader(http.StatusOK)
	const perChunk = 64
	chunk := make([]byte, 0, perChunk*mp3FrameBytes)
	for range perChunk {
		chunk = append(chunk, mp3Frame[:]...)
	}
	for frames > 0 {
		n := min(frames, perChunk)
		if _, err := w.Write(chunk[:n*mp3FrameBytes]); err != nil {
			return // the caller went away
		}
		frames -= n
		if pace > 0 && frames > 0 {
			_ = http.NewResponseController(w).Flush()
			select {
			case <-ctx.Done():
				return
			case <-time.After(pace):
			}
		}
	}
}
