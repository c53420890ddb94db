//! The SVG plots of a run, one per scenario that has a figure worth
//! seeing: memory per idle socket, fan-out latency by rate, location p99.
//! Each server keeps its colour across plots.

use std::path::Path;

use plotters::prelude::*;

use super::report::{Outcome, TargetResult};
use super::targets::Kind;

fn colour(k: Kind) -> RGBColor {
    match k {
        Kind::Mealstream => RGBColor(214, 69, 65),
        Kind::MealstreamTwoNodes => RGBColor(235, 150, 40),
        Kind::SocketioNode => RGBColor(60, 120, 200),
        Kind::ExpressPg => RGBColor(50, 160, 90),
        Kind::Floor => RGBColor(120, 120, 120),
    }
}

fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("plot: {e:?}")
}

/// Bars: one value per server.
fn bars(path: &Path, title: &str, unit: &str, values: &[(Kind, f64)]) -> anyhow::Result<()> {
    let root = SVGBackend::new(path, (640, 360)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_err)?;
    let top = values.iter().map(|v| v.1).fold(0.0, f64::max).max(1e-9) * 1.2;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..values.len() as f64, 0f64..top)
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_desc(unit)
        .draw()
        .map_err(plot_err)?;
    for (i, (kind, v)) in values.iter().enumerate() {
        let x = i as f64;
        chart
            .draw_series([Rectangle::new(
                [(x + 0.15, 0.0), (x + 0.85, *v)],
                colour(*kind).filled(),
            )])
            .map_err(plot_err)?;
        chart
            .draw_series([Text::new(
                format!("{} · {v:.1}", kind.label()),
                (x + 0.15, *v + top * 0.03),
                ("sans-serif", 13),
            )])
            .map_err(plot_err)?;
    }
    root.present().map_err(plot_err)?;
    Ok(())
}

pub fn idle(out: &Path, results: &[TargetResult]) -> anyhow::Result<()> {
    let values: Vec<_> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Idle(i) => Some((r.target, i.bytes_per_socket / 1000.0)),
            _ => None,
        })
        .collect();
    bars(
        &out.join("idle-memory.svg"),
        "Server memory per idle socket",
        "KB per socket",
        &values,
    )
}

pub fn location(out: &Path, results: &[TargetResult]) -> anyhow::Result<()> {
    let values: Vec<_> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Location(l) => Some((r.target, l.latency.p99_ms)),
            _ => None,
        })
        .collect();
    bars(
        &out.join("location-p99.svg"),
        "Driver location to customer, p99",
        "milliseconds",
        &values,
    )
}

/// One server's points: change rate, p50 and p99 (ms).
type RateSeries = (Kind, Vec<(f64, f64, f64)>);

pub fn fanout(out: &Path, results: &[TargetResult]) -> anyhow::Result<()> {
    let series: Vec<RateSeries> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Fanout(f) => Some((
                r.target,
                f.steps
                    .iter()
                    .map(|s| {
                        (
                            s.achieved_rate,
                            s.latency.p50_ms.max(0.01),
                            s.latency.p99_ms.max(0.01),
                        )
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let max_x = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p.0))
        .fold(1.0, f64::max)
        * 1.1;
    let max_y = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p.2))
        .fold(1.0, f64::max)
        * 2.0;
    let path = out.join("fanout-latency.svg");
    let root = SVGBackend::new(&path, (720, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Fan-out latency (solid p99, dashed p50) by change rate",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..max_x, (0.01f64..max_y).log_scale())
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_desc("lifecycle changes per second")
        .y_desc("ms (log)")
        .draw()
        .map_err(plot_err)?;
    for (kind, points) in &series {
        let c = colour(*kind);
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.0, p.2)),
                c.stroke_width(2),
            ))
            .map_err(plot_err)?
            .label(kind.label())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], c.stroke_width(2)));
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p.0, p.2), 3, c.filled())),
            )
            .map_err(plot_err)?;
        chart
            .draw_series(DashedLineSeries::new(
                points.iter().map(|p| (p.0, p.1)),
                4,
                4,
                c.into(),
            ))
            .map_err(plot_err)?;
    }
    chart
        .draw_series(LineSeries::new(
            [
                (0.0, super::fanout::P99_BUDGET_MS),
                (max_x, super::fanout::P99_BUDGET_MS),
            ],
            BLACK.mix(0.3),
        ))
        .map_err(plot_err)?
        .label(format!("{} ms budget", super::fanout::P99_BUDGET_MS))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK.mix(0.3)));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(plot_err)?;
    root.present().map_err(plot_err)?;
    Ok(())
}
