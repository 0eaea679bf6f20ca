package machine

import "testing"

func TestSmoke(t *testing.T) {
	s, err := NewSession("s1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(RegisterSession{SessionID: "s1"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Apply(RegisterSession{SessionID: ""})
	t.Log(err)
	if KindOf(err) != KindRejected {
		t.Fatal(err)
	}
	in, err := DecodeInput("RegisterSession", []byte(`{"session_id":"s2","x":1}`))
	t.Log(in, err)
}
