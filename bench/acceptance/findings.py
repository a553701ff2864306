"""What the sweep found: one row per check, with its figure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Finding:
    area: str
    check: str
    figure: str
    ok: bool


@dataclass
class Findings:
    rows: list[Finding] = field(default_factory=list)

    def add(self, area: str, check: str, figure: str, ok: bool) -> None:
        self.rows.append(Finding(area, check, figure, ok))
        print(f"  {'ok  ' if ok else 'FAIL'} {area}: {check}: {figure}", flush=True)

    @property
    def failed(self) -> list[Finding]:
        return [row for row in self.rows if not row.ok]

    def table(self) -> str:
        lines = ["| area | check | figure | result |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {row.area} | {row.check} | {row.figure} | {'ok' if row.ok else '**FAIL**'} |"
            for row in self.rows
        ]
        return "\n".join(lines)
