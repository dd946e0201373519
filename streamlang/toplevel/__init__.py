"""The interactive toplevel (SPEC §8): `sl -i [FILE ...]`.

- `session`: bindings, evaluating an input, the answer text (no terminal needed);
- `text`: pipes, brackets and the stage under the cursor, in half-typed input;
- `sample`: the sample input (read once, lazily), cancellation;
- `toprun`: a run whose `stdin` is the session's input, on the sample or on everything;
- `show`: values as literals, rows as tables;
- `preview`: the live preview, off the UI thread;
- `completer`: Tab completion, fields after `.` from the checker;
- `repl`: the prompt_toolkit application;
- `app`: `run_toplevel`, which shows the prompt before the slow imports.

Only this package imports prompt_toolkit.
"""
