"""A real local chain for tests and the demo: anvil, plus the Emitter test contract.

``start_anvil()`` runs the anvil binary (from ``$ANVIL_BIN``, the project's npm install of
``@foundry-rs/anvil``, or ``PATH``) on 127.0.0.1 and a free port, with history pruned and its
cache in a temporary directory (anvil's defaults write gigabytes to the home directory).
``DevChain`` talks JSON-RPC to it; ``Emitter`` deploys and drives the test contract using anvil's
unlocked dev accounts, so nothing is signed locally.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.resources
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from eth_abi.abi import encode

from event_streamer import ABIFunction, EventStreamer, parse_contract_abi, subscription_from_abi
from event_streamer.models import SubscriptionResponse

__all__ = [
    "Anvil",
    "AnvilNotFoundError",
    "DevChain",
    "Emitter",
    "emitter_artifact",
    "find_anvil",
    "start_anvil",
]

_LISTENING = re.compile(rb"Listening on ([0-9.]+):([0-9]+)")


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """SIGTERM, then SIGKILL after ``timeout``; returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return int(process.returncode)


class AnvilNotFoundError(RuntimeError):
    """No anvil binary was found."""


def _platform_package() -> str:
    machine = platform.machine().lower()
    arch = "arm64" if machine in ("arm64", "aarch64") else "amd64"
    system = {"darwin": "darwin", "windows": "win32"}.get(platform.system().lower(), "linux")
    return f"anvil-{system}-{arch}"


def find_anvil() -> str:
    """``$ANVIL_BIN``, then an npm install of @foundry-rs/anvil, then ``PATH``."""
    explicit = os.environ.get("ANVIL_BIN")
    if explicit:
        if not Path(explicit).is_file():
            raise AnvilNotFoundError(f"ANVIL_BIN={explicit} does not exist")
        return explicit
    package = _platform_package()
    # Like node's own resolution: the nearest node_modules from the current directory upwards
    # (the project's lives in scripts/), then from this package's location (an editable
    # install from a checkout, used by tests in another folder).
    starts = (Path.cwd(), Path(__file__).resolve().parent)
    searched: list[str] = []
    for start in starts:
        for root in (start, *start.parents):
            for modules in (root / "scripts" / "node_modules", root / "node_modules"):
                candidate = modules / "@foundry-rs" / package / "bin" / "anvil"
                if candidate.is_file():
                    return str(candidate)
        searched.append(f"{start} and its parents")
    on_path = shutil.which("anvil")
    if on_path:
        return on_path
    raise AnvilNotFoundError(
        f"anvil not found (looked for node_modules/@foundry-rs/{package} in "
        f"{'; '.join(searched)}, and on PATH): run `make setup` in the checkout, or "
        "`npm install @foundry-rs/anvil` here, or set ANVIL_BIN to the binary"
    )


@dataclass
class Anvil:
    """A running anvil process."""

    url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        stop_process(self.process, timeout)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_anvil(
    *,
    block_time: float | None = None,
    chain_id: int = 31337,
    port: int = 0,
    extra_args: Sequence[str] = (),
    timeout: float = 30.0,
) -> Anvil:
    """Start anvil on 127.0.0.1 and ``port`` (0: a free one); automines unless ``block_time``."""
    binary = find_anvil()
    work = Path(tempfile.mkdtemp(prefix="es-anvil-"))
    log = work / "anvil.log"
    args = [
        binary,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--chain-id",
        str(chain_id),
        "--hardfork",
        "cancun",
        "--prune-history",
        "64",
        "--cache-path",
        str(work / "cache"),
        *(["--block-time", str(block_time)] if block_time else []),
        *extra_args,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _LISTENING.search(log.read_bytes())
        if found:
            host, port = found.group(1).decode(), int(found.group(2))
            return Anvil(f"http://{host}:{port}", process, work, log)
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.kill()
    process.wait()
    output = log.read_text(errors="replace")
    shutil.rmtree(work, ignore_errors=True)
    raise RuntimeError(f"anvil did not start (exit {process.returncode}):\n{output}")


@functools.cache
def emitter_artifact() -> dict[str, Any]:
    """The compiled Emitter (ABI + bytecode), shipped with the package."""
    packaged = importlib.resources.files("event_streamer_server._assets") / "Emitter.json"
    artifact: dict[str, Any] = json.loads(packaged.read_text(encoding="utf-8"))
    return artifact


class RpcFailure(RuntimeError):
    """The chain answered a JSON-RPC call with an error."""


@dataclass
class DevChain:
    """Minimal async JSON-RPC access to a dev chain."""

    url: str
    _http: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        self._http = httpx.AsyncClient(timeout=30.0)
        self._ids = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> DevChain:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def rpc(self, method: str, *params: Any) -> Any:
        self._ids += 1
        response = await self._http.post(
            self.url,
            json={"jsonrpc": "2.0", "id": self._ids, "method": method, "params": list(params)},
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RpcFailure(f"{method}: {body['error']}")
        return body["result"]

    async def block_number(self) -> int:
        return int(await self.rpc("eth_blockNumber"), 16)

    async def accounts(self) -> list[str]:
        accounts: list[str] = await self.rpc("eth_accounts")
        return accounts

    async def mine(self, blocks: int = 1) -> None:
        await self.rpc("anvil_mine", hex(blocks))

    async def send(self, to: str | None, data: str, sender: str | None = None) -> dict[str, Any]:
        """Send a transaction from an unlocked account; return its receipt (automine)."""
        sender = sender or (await self.accounts())[0]
        tx: dict[str, Any] = {"from": sender, "data": data, "gas": hex(29_000_000)}
        if to is not None:
            tx["to"] = to
        tx_hash = await self.rpc("eth_sendTransaction", tx)
        receipt: dict[str, Any] | None = None
        for _ in range(500):  # automine answers at once; an interval-mining chain takes a block
            receipt = await self.rpc("eth_getTransactionReceipt", tx_hash)
            if receipt is not None:
                break
            await asyncio.sleep(0.02)
        if receipt is None:
            raise RpcFailure(f"no receipt for {tx_hash}")
        if receipt.get("status") != "0x1":
            raise RpcFailure(f"transaction {tx_hash} reverted")
        return receipt

    async def deploy_emitter(self) -> Emitter:
        receipt = await self.send(None, emitter_artifact()["bytecode"])
        return Emitter(self, receipt["contractAddress"])


@dataclass
class Emitter:
    """The deployed Emitter test contract."""

    chain: DevChain
    address: str

    @staticmethod
    def abi() -> list[dict[str, Any]]:
        abi: list[dict[str, Any]] = emitter_artifact()["abi"]
        return abi

    @staticmethod
    @functools.cache
    def _functions() -> dict[str, ABIFunction]:
        return {f.name: f for f in parse_contract_abi(Emitter.abi()).functions}

    async def call(self, function: str, *args: Any) -> dict[str, Any]:
        """Send a transaction calling ``function(*args)``; return the receipt."""
        fn = self._functions()[function]
        types = [_canonical(i.to_dict()) for i in fn.inputs]
        data = fn.selector + encode(types, list(args)).hex()
        return await self.chain.send(self.address, data)

    async def subscribe(
        self,
        client: EventStreamer,
        event: str = "Transfer",
        *,
        start_block: int | None = None,
        chain_id: int | None = None,
        abi: Any = None,
        **fields: Any,
    ) -> SubscriptionResponse:
        """Subscribe ``client`` to ``event`` of this contract, from the current block unless
        ``start_block`` is given; ``abi`` overrides the Emitter's own (e.g. a deliberately wrong
        one). Other ``fields`` (``end_block``, ``subscriber_id``, ...) go to the subscription."""
        if start_block is None:
            start_block = await self.chain.block_number()
        if chain_id is None:
            chain_id = int(await self.chain.rpc("eth_chainId"), 16)
        return await client.create_subscription(
            subscription_from_abi(
                self.abi() if abi is None else abi,
                event,
                chain_id=chain_id,
                addresses=[self.address],
                start_block=start_block,
                **fields,
            )
        )

    async def emit_many(self, start: int, n: int) -> dict[str, Any]:
        """Emit ``n`` Transfers with values ``start .. start+n-1`` in one transaction."""
        return await self.call("emitMany", start, n)


def _canonical(raw: dict[str, Any]) -> str:
    type_str: str = raw["type"]
    if type_str.startswith("tuple"):
        inner = ",".join(_canonical(c) for c in raw["components"])
        return f"({inner}){type_str[5:]}"
    return type_str
