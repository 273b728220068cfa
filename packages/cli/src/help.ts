/** Help texts, one per command. Kept plain: they are printed to terminals and pipes alike. */

export const MAIN_HELP = `pursuit: give an AI coding-agent session a goal, and it keeps working until the goal is done,
a limit is reached, it is stuck, or you stop it.

Usage:
  pursuit run [message...] --goal "objective" [limits]   pursue a goal here, headless (no server)
  pursuit demo                                           watch a goal run against a scripted model
  pursuit serve [--port 4096] [--hostname 127.0.0.1]     start the HTTP API (OpenAPI at /doc)
  pursuit goal show|set|pause|resume|wake|clear|limit|history --session ID   manage a goal on a running server
  pursuit opencode install [--dir PROJECT | --global]     add the OpenCode plugin to opencode.json and tui.json

Options:
  -h, --help      help (also: pursuit <command> --help)
  -v, --version   the version

Exit codes of run and demo: 0 complete, 2 budget limit reached, 3 paused or blocked, 1 error.
Configuration: pursuit.json in the project (over ~/.config/pursuit/pursuit.json); see pursuit run --help.
`;

export const RUN_HELP = `Usage: pursuit run [message...] --goal "objective" [options]
       pursuit run --session ID [limits]        resume a paused, blocked or budget-limited goal

Pursues a goal in this process (no server needed): the agent works turn after turn until the goal is
complete, a limit is reached, it makes no progress, or you press Ctrl-C (which pauses the goal; run again
with --session ID to resume). Progress goes to stderr, the summary to stdout.

Options:
  -g, --goal TEXT      the objective; several --goal flags make a queue: each starts when the one before
                       completes (limits and settings hold for each; criteria for the first)
      --tokens N       token limit, e.g. 200000, 200k, 1.5m (charged: non-cached input + output)
      --turns N        turn limit
      --time D         busy-time limit, e.g. 90s, 30m, 1h30m
      --cost X         dollar limit, e.g. 2.50 (needs model prices in pursuit.json)
      --verify CMD     a shell command that must pass before the goal may complete
      --criterion TEXT an acceptance criterion the agent must close with evidence (repeat for more)
      --criterion-check CMD
                       a command that must pass for the --criterion before it to close
      --webhook URL    POST the goal's outcomes (complete, limit, blocked, paused, needs input) to URL (repeatable)
      --max-wait 1h    the longest the goal waits (for CI, a time) before it wakes by itself (default 30m)
      --no-quota-wait  when the provider's usage quota runs out, block the goal instead of waiting for the reset
  -m, --model P/M      the model as provider/model (default: "model" in pursuit.json)
      --dir PATH       the project directory the agent works in (default: the current one)
      --db PATH|URL    the SQLite database file, or a postgres:// URL
                       (default: $PURSUIT_DATABASE_URL, else $XDG_DATA_HOME/pursuit/pursuit.db)
  -s, --session ID     continue this session (its goal resumes; limits given here are applied first)
      --json           write every event as a JSON line on stdout (the summary goes to stderr)
      --demo           use the scripted demonstration model instead of a real one
  -h, --help           this help

Exit codes: 0 complete, 2 budget limit reached, 3 paused or blocked (Ctrl-C included), 1 error.

Configure a model in pursuit.json (project directory or ~/.config/pursuit/pursuit.json):
  {"model": "local/qwen3",
   "provider": {"local": {"type": "openai-compatible", "baseURL": "http://127.0.0.1:11434/v1"}}}
or set OPENAI_API_KEY / ANTHROPIC_API_KEY and pass --model openai/<model> or anthropic/<model>.
`;

export const DEMO_HELP = `Usage: pursuit demo [--goal "objective"] [--tokens N] [--json] [--dir PATH]

Runs a goal end to end against a scripted stand-in model on this machine (no API key, no network):
it writes the files the objective names, one per turn, then completes the goal with evidence.
The default goal asks for notes-1.md, notes-2.md and notes-3.md in a fresh temporary directory.
Takes the same options as pursuit run.
`;

export const SERVE_HELP = `Usage: pursuit serve [--port 4096] [--hostname 127.0.0.1] [--db PATH|URL] [--dir PATH]

Starts the HTTP API: sessions, messages, goals, the SSE event stream (GET /event) and the OpenAPI 3.1
document (GET /doc). Active goals resume on start. Prints its URL.

Options:
      --port N          port (default 4096; 0 picks a free one)
      --hostname HOST   address to bind (default 127.0.0.1). Any non-loopback address needs
                        PURSUIT_SERVER_PASSWORD set; clients then send it as Basic or Bearer auth.
      --db PATH|URL     the SQLite database file, or a postgres:// URL to share one database between
                        replicas (default: $PURSUIT_DATABASE_URL, else $XDG_DATA_HOME/pursuit/pursuit.db)
      --dir PATH        default directory of new sessions (default: the current one)
      --workspace-root PATH
                        on a shared database: drive only sessions under PATH (repeatable; default: any)
      --lease-ttl 10s   on a shared database: how long a replica's hold on a session lasts unrenewed
                        (a dead replica's goals go on elsewhere after about this long)
  -m, --model P/M       the default model (default: "model" in pursuit.json)
  -h, --help            this help
`;

export const GOAL_HELP = `Usage: pursuit goal <action> --session ID [--url URL] [--json]

Manages the goal of a session on a running server (pursuit serve).

Actions:
  show                         the goal, its status, usage and limits
  set "objective" [limits]     set a goal (without --session, a new session is created); work starts at once
      [--verify CMD] [--criterion TEXT [--criterion-check CMD]]... [--webhook URL]...
      [--max-wait 1h] [--no-quota-wait]
  pause [--reason TEXT]        pause it; nothing continues until it is resumed
  resume                       make it active again; work starts at once
  wake                         wake a waiting goal now (the same as resume)
  clear                        delete it (its history remains)
  limit [--tokens N|none] [--turns N|none] [--time D|none] [--cost X|none]
                               change limits; raising a reached limit resumes the goal
  criteria --criterion TEXT [--criterion-check CMD]... | --none
                               replace the acceptance criteria (unchanged ones stay closed) or remove them
  queue [list]                 the queue of next goals (each starts when the goal before it completes)
  queue add "objective" [limits] [--verify CMD] [--criterion TEXT]...
                               queue a goal (it starts at once when the session has no unfinished goal)
  queue drop QUEUED_ID         drop a queued goal
  queue order QUEUED_ID...     reorder the queue (every queued goal's id, in the new order)
  history                      every change, with who made it
  spend                        what all goals spent today and this week (UTC), against the spend ceilings
                               (no --session)

Options:
  -s, --session ID     the session
      --url URL        the server (default: $PURSUIT_SERVER_URL or http://127.0.0.1:4096)
      --json           print JSON instead of text
  -h, --help           this help
The server's password, if any, is read from PURSUIT_SERVER_PASSWORD.
`;

export const OPENCODE_HELP = `Usage: pursuit opencode install [--dir PROJECT | --global]

Adds the opencode-pursuit plugin (goal tools, /goal in the TUI, the goal API on 127.0.0.1:4097) to
OpenCode's configuration: opencode.json and tui.json in the project directory (default: the current one),
or in ~/.config/opencode with --global. Existing settings are kept; running it twice changes nothing.

Options:
      --dir PROJECT   the project whose opencode.json and tui.json to edit
      --global        edit the user-wide configuration instead
  -h, --help          this help
`;
