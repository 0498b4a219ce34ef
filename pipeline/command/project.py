"""Is this a project the batch can run in, and on which scheduler?  Checked before scheduling.

Both front ends (``uncleaner run`` and ``luigi --module pipeline CleanAll``)
ask the same questions; a wrong answer is a :class:`~pipeline.command.console.UserError`,
one line saying what to do.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from .console import BAD_USAGE, NO_INPUT, NO_SCHEDULER, NOT_A_PROJECT, UserError
from ..settings import Settings

INPUT_KINDS = "PDF, text, Markdown or HTML files"


def looks_like_root(folder: Path) -> bool:
    return (folder / "luigi.cfg").is_file() and (folder / "dictionaries").is_dir()


def find_root(here: Path) -> Path | None:
    """The project root nearest ``here``: itself, a folder above, or one just below."""
    for folder in (here, *here.parents):
        if looks_like_root(folder):
            return folder
    try:
        below = sorted(p for p in here.iterdir() if p.is_dir() and looks_like_root(p))
    except OSError:
        below = []
    return below[0] if len(below) == 1 else None


def check_folder(s: Settings, here: Path | None = None) -> None:
    """The dictionaries and the input folder are where the settings say, relative to ``here``."""
    here = here or Path.cwd()
    if not (here / s.dictionaries_dir).is_dir():
        root = find_root(here)
        go = f"cd {root}" if root else "cd to the project root (the folder with luigi.cfg, raw/ and dictionaries/)"
        raise UserError(f"not a project folder: no {s.dictionaries_dir}/ in {here}; {go} and run again", NOT_A_PROJECT)
    if not (here / s.raw_dir).is_dir():
        raise UserError(f"no input folder {s.raw_dir}/ in {here}: create it, put the documents to clean in it "
                        f"({INPUT_KINDS}) and run again", NO_INPUT)


def check_inputs(inputs: list[Path], s: Settings) -> None:
    if not inputs:
        raise UserError(f"nothing to clean: {s.raw_dir}/ is empty; put the documents to clean in it "
                        f"({INPUT_KINDS}) and run again", NO_INPUT)


@dataclass(frozen=True)
class Scheduler:
    local: bool
    host: str = "localhost"
    port: int = 8082

    def __str__(self) -> str:
        return "local scheduler" if self.local else f"luigid at {self.host}:{self.port}"


def choose_scheduler(*, cli_local: bool = False, cli_host: str | None = None, cli_port: int | None = None,
                     cfg_local: bool | None = None, cfg_host: str | None = None, cfg_port: int | None = None) -> Scheduler:
    """Local or luigid, from the command line first, then the configuration; never a silent mix.

    A scheduler host on the command line switches to luigid.  ``--local-scheduler``
    on the command line wins over a configured host.  A configuration that asks
    for the local scheduler and names a host, with nothing on the command line
    to settle it, is refused: which one was meant cannot be known.
    """
    port = cli_port or cfg_port or 8082
    if cli_local and (cli_host or cli_port):
        raise UserError("--local-scheduler and --scheduler-host/--scheduler-port contradict each other: give one", BAD_USAGE)
    if cli_local:
        return Scheduler(local=True)
    if cli_host:
        return Scheduler(local=False, host=cli_host, port=port)
    if cfg_local and cfg_host:
        raise UserError(f"the configuration sets both local_scheduler = true and scheduler_host = {cfg_host} "
                        "(luigi.cfg or LUIGI_CONFIG_PATH): remove one, or give --local-scheduler or --scheduler-host", BAD_USAGE)
    if cli_port and cfg_local:
        raise UserError("--scheduler-port given, but the configuration runs the local scheduler: "
                        "add --scheduler-host to use luigid", BAD_USAGE)
    if cfg_local is False or (cfg_host and cfg_local is None):
        return Scheduler(local=False, host=cfg_host or "localhost", port=port)
    return Scheduler(local=True)


def configured_scheduler() -> dict:
    """What Luigi's configuration files say about the scheduler (``[core]``), as choose_scheduler's cfg_ arguments."""
    import luigi.configuration

    cfg = luigi.configuration.get_config()
    local = cfg.getboolean("core", "local_scheduler", None) if cfg.has_option("core", "local_scheduler") else None
    host = cfg.get("core", "scheduler_host", None) or None
    port = cfg.getint("core", "scheduler_port", None) if cfg.has_option("core", "scheduler_port") else None
    return {"cfg_local": local, "cfg_host": host, "cfg_port": port}


def check_luigi_command_line() -> Scheduler | None:
    """Under ``luigi --module pipeline CleanAll``: refuse a scheduler host that Luigi would ignore.

    Luigi runs locally when ``local_scheduler`` is true, whatever host is given;
    a user who gave one meant luigid.  Returns the scheduler Luigi will use.
    """
    import luigi.cmdline_parser
    import luigi.interface

    parser = luigi.cmdline_parser.CmdlineParser.get_instance()
    args = getattr(parser, "known_args", None)
    cli_local = bool(getattr(args, "core_local_scheduler", False))
    cli_host = getattr(args, "core_scheduler_host", None) or getattr(args, "core_scheduler_url", None)
    cli_port = getattr(args, "core_scheduler_port", None)
    cfg = configured_scheduler()
    wanted = choose_scheduler(cli_local=cli_local, cli_host=cli_host, cli_port=cli_port, **cfg)
    core = luigi.interface.core()
    if not wanted.local and core.local_scheduler:
        raise UserError(f"--scheduler-host {cli_host} would be ignored: luigi.cfg runs the local scheduler; use "
                        f"`uncleaner run --scheduler-host {cli_host}` or set LUIGI_CONFIG_PATH=luigi-central.cfg", BAD_USAGE)
    if core.local_scheduler:
        return Scheduler(local=True)
    return Scheduler(local=False, host=core.scheduler_host, port=core.scheduler_port)


def check_reachable(sch: Scheduler, timeout: float = 3.0) -> None:
    """luigid answers at its address; else one line now, not a minute of Luigi's retries."""
    if sch.local:
        return
    try:
        socket.create_connection((sch.host, sch.port), timeout=timeout).close()
    except OSError as exc:
        raise UserError(f"luigid is not answering at {sch.host}:{sch.port} ({exc.strerror or exc}): start it "
                        "(scripts/luigid.sh start) or check --scheduler-host/--scheduler-port", NO_SCHEDULER) from None
