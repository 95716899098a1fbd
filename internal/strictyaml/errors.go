package strictyaml

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a file, 1-based.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// FieldError is one problem with one field of one file.
type FieldError struct {
	Pos   Pos    `json:"pos"`
	Field string `json:"field,omitempty"` // dotted path, e.g. spec.secrets[0].path
	Msg   string `json:"message"`
	Err   error  `json:"-"` // cause, if any
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Pos, e.Field, e.Msg)
}

func (e *FieldError) Unwrap() error { return e.Err }

// Errors is a list of field errors, sorted by file, line and column.
type Errors []*FieldError

func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	s := fmt.Sprintf("%d errors:", len(es))
	for _, e := range es {
		s += "\n  " + e.Error()
	}
	return s
}

// Unwrap lets errors.Is/As see every field error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Sort orders the errors by file, line, column, then field.
func (es Errors) Sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Column != b.Pos.Column {
			return a.Pos.Column < b.Pos.Column
		}
		return a.Field < b.Field
	})
}

// Err returns nil for an empty list, else the sorted list.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}

// Flatten collects the field errors inside err (joined or not); errors that are
// not field errors are returned as they are in other.
func Flatten(err error) (fields Errors, other []error) {
	if err == nil {
		return nil, nil
	}
	var fe *FieldError
	switch e := err.(type) {
	case Errors:
		return append(Errors(nil), e...), nil
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			f, o := Flatten(inner)
			fields = append(fields, f...)
			other = append(other, o...)
		}
		return fields, other
	}
	if errors.As(err, &fe) {
		return Errors{fe}, nil
	}
	return nil, []error{err}
}

// Merge appends more to es, leaving out errors about a field that es already
// reports on (the same field or one inside it): one root cause, one message.
func (es Errors) Merge(more Errors) Errors {
	out := es
	for _, m := range more {
		covered := false
		for _, e := range es {
			if e.Field != "" && (m.Field == e.Field || strings.HasPrefix(m.Field, e.Field+".") || strings.HasPrefix(m.Field, e.Field+"[")) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, m)
		}
	}
	return out
}
