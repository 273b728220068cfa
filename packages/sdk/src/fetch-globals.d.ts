// The generated fetch client names the DOM's `BodyInit`; Node's types provide fetch but not that global name.
// A declaration file, so `skipLibCheck` keeps it quiet where a DOM lib is also loaded.
type BodyInit = NonNullable<RequestInit["body"]>;
