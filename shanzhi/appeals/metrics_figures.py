"""One unit's figures of the loop (``Figures``: the counters a rollup sums and the rates made of
them, as ``metrics`` defines them) and the columns of the metrics page's table; apart from
``metrics`` so that its reads stay one subject."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class Figures:
    key: object
    name: str = ""
    received: int = 0
    invalid: int = 0
    accepted: int = 0
    rejected: int = 0
    responded: int = 0
    resolved: int = 0
    rated: int = 0
    solved: int = 0
    satisfied: int = 0
    basic: int = 0
    unreachable: int = 0
    reworked: int = 0
    due: int = 0
    suspended: int = 0
    on_time: int = 0
    handled_1d: int = 0  # the handling-time histogram: ``rollups.HANDLING_BUCKETS``
    handled_3d: int = 0
    handled_5d: int = 0
    handled_10d: int = 0
    handled_over_10d: int = 0
    handling_hours: float = 0.0
    basic_weight: float = 1.0
    weights: dict = field(default_factory=dict)
    rank: int | None = None
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _share(part, whole):
        return round(100 * part / whole, 1) if whole > 0 else None

    @property
    def valid(self):
        return self.received - self.invalid

    @property
    def visited(self):
        return self.rated

    @property
    def response_rate(self):
        return self._share(self.responded, self.valid)

    @property
    def resolution_rate(self):
        return self._share(self.solved, self.rated)

    @property
    def satisfaction_rate(self):
        return self._share(self.satisfied + self.basic_weight * self.basic, self.rated)

    @property
    def on_time_rate(self):
        return self._share(self.on_time, self.due - self.suspended)

    @property
    def rework_rate(self):
        return self._share(self.reworked, self.accepted)

    @property
    def avg_handling_hours(self):
        return round(self.handling_hours / self.resolved, 1) if self.resolved else None

    @property
    def composite(self):
        weighted = [(w, getattr(self, rate)) for rate, w in self.weights.items() if w > 0]
        if not weighted or any(r is None for _w, r in weighted):
            return None
        return round(sum(w * r for w, r in weighted) / sum(w for w, _r in weighted), 1)

    def as_row(self):
        return [
            self.name,
            self.received,
            self.invalid,
            self.response_rate,
            self.resolution_rate,
            self.satisfaction_rate,
            self.on_time_rate,
            self.composite,
            self.rated,
            self.unreachable,
            self.rework_rate,
            self.avg_handling_hours,
        ]


COLUMNS = [
    _("单位"),
    _("收到"),
    _("无效"),
    _("响应率%"),
    _("解决率%"),
    _("满意率%"),
    _("按期结案率%"),
    _("综合得分"),
    _("回访"),
    _("联系不上"),
    _("返工率%"),
    _("平均办理时长(小时)"),
]
