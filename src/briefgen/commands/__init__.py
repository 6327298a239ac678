"""The commands of the command line, one module per command or small family of commands.

Each module declares its commands' options (Typer signatures) and turns them into one call
into the stages, then prints the outcome through :mod:`briefgen.console`. Heavy modules are
imported inside the command functions, so ``briefgen --help`` stays fast; ``briefgen.cli``
imports a command's module only when that command runs or shows its help.
"""
