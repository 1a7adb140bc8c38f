# Stubs of the native module lorafota._lorafota, checked against the built module by
# `python -m mypy.stubtest lorafota._lorafota` (scripts/check-all.sh).
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias, final, overload

__version__: str
__all__ = [
    "__version__",
    "Fragments",
    "FragmentsIter",
    "Decoder",
    "encode",
    "parity_row",
    "airtime",
    "airtime_fsk",
    "region_names",
    "region",
    "plan",
    "ts004_parse",
    "ts004_build",
    "ts004_data_block_int_key",
    "ts004_data_block_mic",
    "TS004_DEFAULT_FPORT",
    "TS004_PACKAGE_IDENTIFIER",
    "ts005_parse",
    "ts005_build",
    "ts005_mc_root_key",
    "ts005_mc_ke_key",
    "ts005_encrypt_mc_key",
    "ts005_decrypt_mc_key",
    "ts005_mc_session_keys",
    "TS005_DEFAULT_FPORT",
    "TS005_PACKAGE_IDENTIFIER",
    "ts003_parse",
    "ts003_build",
    "ts003_time_correction",
    "ts003_period_seconds",
    "ts003_period_covering",
    "TS003_DEFAULT_FPORT",
    "TS003_PACKAGE_IDENTIFIER",
    "gps_from_unix",
    "unix_from_gps",
    "gps_leap_seconds",
    "gps_session_time_u32",
    "gps_from_session_time_u32",
    "gps_class_b_aligned_up",
    "gps_class_b_aligned_down",
    "gps_is_class_b_aligned",
    "gps_from_loramac_unix",
    "gps_to_loramac_unix",
    "gps_class_c_timeout_seconds",
    "gps_class_b_timeout_seconds",
    "gps_class_c_timeout_covering",
    "gps_class_b_timeout_covering",
    "GPS_EPOCH_UNIX_SECONDS",
    "GPS_CLASS_B_BEACON_PERIOD_SECONDS",
    "GPS_LEAP_SECONDS_TABLE_LEN",
    "GatewayClient",
    "Watch",
    "EmulatorServer",
]

# <codec>
@final
class Fragments:
    """Every fragment of an encoded block, in counter order: a sequence of (counter, payload)."""

    @property
    def nb_frag(self) -> int: ...
    @property
    def fragment_size(self) -> int: ...
    @property
    def padding(self) -> int: ...
    @property
    def redundancy(self) -> int: ...
    @property
    def data_len(self) -> int: ...
    @property
    def ts004(self) -> Literal["v1", "v2", "v2-spec"]: ...
    @property
    def codec(self) -> Literal["ts004", "rs"]: ...
    @property
    def counter_base(self) -> Literal[0, 1]: ...
    def payload(self, counter: int) -> bytes: ...
    def to_bytes(self) -> bytes: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int, /) -> tuple[int, bytes]: ...
    @overload
    def __getitem__(self, index: slice, /) -> list[tuple[int, bytes]]: ...
    def __iter__(self) -> FragmentsIter: ...

@final
class FragmentsIter:
    def __iter__(self) -> FragmentsIter: ...
    def __next__(self) -> tuple[int, bytes]: ...

def encode(
    data: bytes | bytearray,
    fragment_size: int,
    redundancy: int,
    *,
    ts004: str = "v1",
    codec: str = "ts004",
    counter_base: int = 1,
) -> Fragments: ...
def parity_row(nb_frag: int, coded_index: int, *, ts004: str = "v1") -> list[int]: ...

_PushStatus: TypeAlias = Literal["ongoing", "completed", "already_completed", "failed"]

@final
class Decoder:
    def __new__(
        cls,
        nb_frag: int,
        fragment_size: int,
        padding: int = 0,
        *,
        ts004: str = "v1",
        max_lost: int | None = None,
        codec: str = "ts004",
        redundancy: int | None = None,
        counter_base: int = 1,
    ) -> Decoder: ...
    def push(self, counter: int, payload: bytes) -> _PushStatus: ...
    def push_all(self, fragments: Iterable[tuple[int, bytes]]) -> int | None: ...
    @property
    def completed(self) -> bool: ...
    @property
    def completed_at(self) -> int | None: ...
    @property
    def data(self) -> bytes | None: ...
    @property
    def received(self) -> int: ...
    @property
    def missing(self) -> int: ...
    @property
    def lost(self) -> int: ...
    @property
    def failure(self) -> str | None: ...
    @property
    def out_of_memory(self) -> bool: ...
    @property
    def state_memory(self) -> int: ...
    @property
    def ts004(self) -> Literal["v1", "v2", "v2-spec"]: ...
# </codec>

# <timing>
def airtime(
    sf: int,
    bw: int | str,
    payload: int,
    *,
    cr: str = "4/5",
    preamble: int = 8,
    crc: bool = False,
    implicit_header: bool = False,
    ldro: str = "auto",
) -> dict[str, Any]: ...
def airtime_fsk(bitrate: int, payload: int) -> dict[str, Any]: ...
def region_names() -> list[str]: ...
def region(name: str) -> dict[str, Any]: ...
def plan(
    size: int,
    region: str,
    *,
    dr: int | None = None,
    device_drs: Sequence[int] | None = None,
    frequency: int | None = None,
    repeater: bool = False,
    fragment_size: int | None = None,
    loss: Sequence[float] | None = None,
    burst: float | None = None,
    target: float | None = None,
    redundancy: int | None = None,
    redundancy_percent: int | None = None,
    max_lost: int | None = None,
    max_fragments: int | None = None,
    gap: float | None = None,
    interval: float | None = None,
    ts004: str = "v1",
    simulate: int = 10_000,
    seed: int = 1,
    scheduled: int | None = None,
    setup: float = 0.0,
    launch: float = 60.0,
) -> dict[str, Any]: ...
# </timing>

# <messages>
# TS004/TS005/TS003 messages are dicts: {"command": <name>, **fields}; see lorafota.ts004,
# lorafota.ts005 and lorafota.ts003 for the fields of each command. Bytes fields are bytes,
# group masks lists of 4 bools, absent optional values None.
TS004_DEFAULT_FPORT: int
TS004_PACKAGE_IDENTIFIER: int
TS005_DEFAULT_FPORT: int
TS005_PACKAGE_IDENTIFIER: int
TS003_DEFAULT_FPORT: int
TS003_PACKAGE_IDENTIFIER: int
GPS_EPOCH_UNIX_SECONDS: int
GPS_CLASS_B_BEACON_PERIOD_SECONDS: int
GPS_LEAP_SECONDS_TABLE_LEN: int

def ts004_parse(
    data: bytes | bytearray, *, uplink: bool = False, ts004: str = "v1"
) -> list[dict[str, Any]]: ...
def ts004_build(message: Mapping[str, Any], *, ts004: str = "v1") -> bytes: ...
def ts004_data_block_int_key(root_key: bytes) -> bytes: ...
def ts004_data_block_mic(
    key: bytes, session_cnt: int, frag_index: int, descriptor: bytes, block: bytes
) -> bytes: ...
def ts005_parse(data: bytes | bytearray, *, uplink: bool = False) -> list[dict[str, Any]]: ...
def ts005_build(message: Mapping[str, Any]) -> bytes: ...
def ts005_mc_root_key(app_key: bytes, *, kind: Literal["gen_app_key", "app_key"]) -> bytes: ...
def ts005_mc_ke_key(mc_root_key: bytes) -> bytes: ...
def ts005_encrypt_mc_key(mc_ke_key: bytes, mc_key: bytes) -> bytes: ...
def ts005_decrypt_mc_key(mc_ke_key: bytes, encrypted: bytes) -> bytes: ...
def ts005_mc_session_keys(mc_key: bytes, mc_addr: int) -> tuple[bytes, bytes]: ...
def ts003_parse(data: bytes | bytearray, *, uplink: bool = False) -> list[dict[str, Any]]: ...
def ts003_build(message: Mapping[str, Any]) -> bytes: ...
def ts003_time_correction(network_time: int, device_time: int, *, ts003: str = "v1") -> int: ...
def ts003_period_seconds(period: int) -> int: ...
def ts003_period_covering(seconds: float) -> int | None: ...
def gps_from_unix(unix_seconds: int) -> int: ...
def unix_from_gps(gps_seconds: int) -> int: ...
def gps_leap_seconds(unix_seconds: int) -> int: ...
def gps_session_time_u32(gps_seconds: int) -> int: ...
def gps_from_session_time_u32(value: int, reference: int) -> int: ...
def gps_class_b_aligned_up(gps_seconds: int) -> int: ...
def gps_class_b_aligned_down(gps_seconds: int) -> int: ...
def gps_is_class_b_aligned(gps_seconds: int) -> bool: ...
def gps_from_loramac_unix(seconds: int) -> int: ...
def gps_to_loramac_unix(gps_seconds: int) -> int: ...
def gps_class_c_timeout_seconds(exponent: int) -> int: ...
def gps_class_b_timeout_seconds(exponent: int) -> int: ...
def gps_class_c_timeout_covering(seconds: float) -> int | None: ...
def gps_class_b_timeout_covering(seconds: float) -> int | None: ...
# </messages>

# <gateway>
@final
class GatewayClient:
    def __new__(
        cls,
        url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        *,
        ca: str | None = None,
        pin: str | None = None,
        insecure: bool = False,
        timeout: float = 30.0,
        upload_timeout: float = 600.0,
        connect_timeout: float = 10.0,
        poll_interval: float = 5.0,
    ) -> GatewayClient: ...
    @property
    def url(self) -> str: ...
    def login(self) -> dict[str, Any]: ...
    def logout(self) -> None: ...
    def upload_fota_file(self, path: str) -> str: ...
    def upload_fota_bytes(self, name: str, data: bytes) -> str: ...
    def upload_multicast_file(self, path: str) -> str: ...
    def upload_multicast_bytes(self, name: str, data: bytes) -> str: ...
    def schedule_fota(
        self,
        devices: Sequence[str],
        file: str,
        group: int | str | None = None,
        *,
        at: int | None = None,
        setup: float | None = None,
        launch: float | None = None,
        descriptor: int = 0,
        parity_fragments: int | None = None,
        max_packet_size: int | None = None,
        sleep_ms: int | None = None,
        parity_sleep_ms: int | None = None,
        setup_sleep_ms: int | None = None,
        keep_log: bool = True,
        name: str | None = None,
    ) -> str: ...
    def schedule_multicast(
        self,
        devices: Sequence[str],
        group: int | str | None = None,
        *,
        port: int,
        timeout_exp: int,
        hex: str | None = None,
        base64: str | None = None,
        data: bytes | None = None,
        file: str | None = None,
        at: int | None = None,
        setup: float | None = None,
        launch: float | None = None,
        keep_log: bool = True,
        name: str | None = None,
    ) -> str: ...
    def progress(self) -> dict[str, Any]: ...
    def results(self) -> list[dict[str, Any]]: ...
    def schedule(self) -> list[dict[str, Any]]: ...
    def cancel(self, name: str) -> None: ...
    def status(self) -> dict[str, Any]: ...
    def devices(self) -> list[dict[str, Any]]: ...
    def watch(
        self, name: str, *, interval: float | None = None, deadline: float | None = None
    ) -> Watch: ...

@final
class Watch:
    def __iter__(self) -> Watch: ...
    def __next__(self) -> dict[str, Any]: ...

@final
class EmulatorServer:
    def __new__(
        cls,
        devices: Sequence[str],
        *,
        speed: float = 1.0,
        seed: int = 1,
        api_shape: str = "seed",
        http: bool = False,
        state_dir: str | None = None,
        port: int = 0,
    ) -> EmulatorServer: ...
    @property
    def url(self) -> str: ...
    @property
    def user(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def fingerprint(self) -> str | None: ...
    @property
    def cert_pem(self) -> str | None: ...
    @property
    def running(self) -> bool: ...
    def add_devices(self, devices: Sequence[str]) -> None: ...
    def add_group(self, eui: str) -> None: ...
    def advance_clock(self, seconds: float) -> None: ...
    def set_clock(self, *, unix_ms: int | None = None, speed: float | None = None) -> None: ...
    def now_ms(self) -> int: ...
    def stop(self, timeout: float = 5.0) -> None: ...
# </gateway>
