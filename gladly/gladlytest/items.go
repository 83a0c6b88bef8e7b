package gladlytest

import (
	"fmt"
	"net/http"

	"github.com/gladgraph/gladgraph/gladly"
)

// itemRoutes serves conversation items, media and transcripts, and the communications that
// create items (SMS).
func (s *Server) itemRoutes() []route {
	return append([]route{
		{pattern: "GET /api/v1/conversations/{conversationId}/items", op: "getConversationItems", h: s.getConversationItems},
		{pattern: "GET /api/v1/conversation-items/{itemId}", op: "getItem", h: s.getItem},
		{pattern: "GET /api/v1/conversation-items/{itemId}/media/recording", op: "getMedia", h: s.getMedia},
		{pattern: "GET /api/v1/conversation-items/{itemId}/voice-transcript", op: "getVoiceTranscript", h: s.getVoiceTranscript},
	}, s.communicationRoutes()...)
}

const itemListLimit = 1000

// servedByAPI reports whether the items API serves an item: deprecated TASK items exist on old
// timelines but the API refuses them (tasks live in the Tasks API).
func servedByAPI(it *gladly.Item) bool {
	_, task := it.Content.(*gladly.TaskContent)
	return !task
}

// sessionOf returns the session an item belongs to: its own sessionId, or its chat's.
func sessionOf(it *gladly.Item) string {
	if it.SessionID != "" {
		return it.SessionID
	}
	if c, ok := it.Content.(*gladly.ChatMessageContent); ok {
		return c.SessionID
	}
	return ""
}

func (s *Server) getConversationItems(w http.ResponseWriter, r *http.Request) {
	session := r.URL.Query().Get("sessionId")
	s.mu.Lock()
	defer s.mu.Unlock()
	convID := r.PathValue("conversationId")
	if !s.db.work.conversations.has(convID) {
		notFoundEmpty(w)
		return
	}
	var out []*gladly.Item
	for _, it := range s.db.work.conversationItems(convID) {
		if servedByAPI(it) && (session == "" || sessionOf(it) == session) {
			out = append(out, it)
		}
	}
	writeList(w, out, itemListLimit)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("itemId")
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.db.work.items.get(id)
	if !ok {
		notFoundEmpty(w)
		return
	}
	if !servedByAPI(it) {
		badRequest(w, fieldError{Code: "invalid", Detail: fmt.Sprintf("Conversation item with id [%s] exists but is not supported by the API.", id)})
		return
	}
	writeJSON(w, http.StatusOK, it)
}

// recordingOf returns the length of an item's available recording; ok is false when the item
// is not a call or voicemail, or its recording is not AVAILABLE.
func recordingOf(it *gladly.Item) (seconds int, ok bool) {
	switch c := it.Content.(type) {
	case *gladly.PhoneCallContent:
		return int(c.RecordingDuration), c.RecordingStatus == gladly.RecordingAvailable
	case *gladly.VoicemailContent:
		return int(c.RecordingDuration), c.RecordingStatus == gladly.RecordingAvailable
	}
	return 0, false
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	it, ok := s.db.work.items.get(r.PathValue("itemId"))
	seconds := 0
	if ok {
		seconds, ok = recordingOf(it)
	}
	s.mu.Unlock()
	if !ok {
		notFoundEmpty(w)
		return
	}
	// Written frame by frame outside the lock: recordings are large, callers stream them.
	writeMP3(r.Context(), w, seconds, s.cfg.recordingPace)
}

func (s *Server) getVoiceTranscript(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tr, ok := s.db.work.transcripts[r.PathValue("itemId")]
	if !ok {
		notFoundEmpty(w)
		return
	}
	writeJSON(w, http.StatusOK, tr)
}
