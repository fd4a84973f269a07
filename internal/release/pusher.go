package release

import "strings"

// UnknownPusher is LastPusher when the head moved while golive was not
// watching (Redis lost, a push webhook missed): GitHub does not say who
// pushed a commit, so anyone may have, and no one may sign off that head
// until a push golive sees names its pusher (fail closed).
const UnknownPusher = "*"

// PushedBy reports whether login pushed, or may have pushed, the head.
func (s *State) PushedBy(login string) bool {
	if s.LastPusher == UnknownPusher {
		return true
	}
	return s.LastPusher != "" && strings.EqualFold(login, s.LastPusher)
}

func pusherRefusal(n *State, login string) string {
	if n.LastPusher == UnknownPusher {
		return "the current head was pushed while golive was not watching, so golive cannot tell who pushed it and the last pusher may not sign it off (rules.pusher_may_sign); push again to name the pusher"
	}
	return login + " pushed the current head, and the last pusher may not sign it off (rules.pusher_may_sign)"
}
