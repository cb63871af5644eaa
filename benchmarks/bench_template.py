"""Template benchmark: the workbook a section fills in, built for 50, 1,000 and 4,000 indicators
(medians of 3 runs). Linear means the time per indicator stays flat as the count grows.

    python benchmarks/bench_template.py
"""

from _setup import django_up, median_of, say_load

COUNTS = (50, 1_000, 4_000)


def main():
    django_up()
    say_load("at the start")
    from kinerja.models import DataKind, Indicator, Organisation, Section
    from kinerja.spreadsheets.templates import build_template

    org = Organisation.objects.get(code="klego")
    section = Section.objects.get(organisation=org, code="pem")
    kind = DataKind.objects.get(code="realisasi")
    per_indicator = []
    for count in COUNTS:
        indicators = [
            Indicator(pk=n, organisation=org, code=f"PEM-{n:04d}", name=f"Indikator uji {n}", unit="%", section=section)
            for n in range(1, count + 1)
        ]

        def build(indicators=indicators):
            build_template(
                organisation=org, section=section, kind=kind, year=2026, quarter=4, indicators=indicators, targets={}
            )

        median, runs = median_of(build, runs=3)
        per_indicator.append(median / count)
        print(f"{count:>6} indicators: median {median:.3f} s  ({median / count * 1000:.3f} ms each)  runs "
              + ", ".join(f"{r:.3f}" for r in runs))  # fmt: skip
    print(f"time per indicator at {COUNTS[-1]} against {COUNTS[1]}: {per_indicator[-1] / per_indicator[1]:.2f}x "
          "(linear: about 1)")  # fmt: skip

    say_load("at the end")


if __name__ == "__main__":
    main()
