import XCTest
@testable import TUI

final class PlotTests: XCTestCase {
    private let passAtK = LinePlot(series: [
        .init(label: "ar", points: [(1, 0.2), (2, 0.35), (4, 0.5), (8, 0.62), (16, 0.7)], marker: "●"),
        .init(label: "confidence", points: [(16, 0.46), (1, 0.25), (2, 0.33), (4, 0.4), (8, 0.44)], marker: "■"),
    ], xScale: .log2, xLabel: "k", yRange: 0...1)

    func testPassAtKPlotSnapshot() {
        XCTAssertEqual(passAtK.text(width: 50), """
            1.00 ┤
                 │
                 │
            0.75 ┤                                      ⢀●
                 │                             ●⣀⠤⠤⠔⠒⠒⠉⠉⠁
                 │                       ⢀⣀⠤⠔⠊⠉
            0.50 ┤                  ⣀⡠●⠒⠊⠁
                 │            ⢀⣀⠤⠒⠊⠉⢀⣀■⣀⡠⠤⠤⠤⠤⠔⠒■⠒⠒⠒⠒⠊⠉⠉⠉⠉■
                 │      ⢀⣀⣀⠤■⠤⠒⠒⠒⠉⠉⠉⠁
            0.25 ┤■⠔⠒⠒⠉⠉⠁
                 │●⠉
                 │
            0.00 ┤
                 └┬─────────┬─────────┬────────┬─────────┬
                  1         2         4        8         16  k
                  ● ar  ■ confidence
            """)
    }

    /// Crowded ticks at the end of the axis: the label before the last yields, the last stays.
    func testTheLastXLabelIsAlwaysShown() {
        let plot = LinePlot(series: [.init(label: "accuracy", points: [(1, 0.5), (2, 0.4), (3.7, 0.3), (4, 0.2)], marker: "●")],
                            xLabel: "tokens/forward", yRange: 0...1)
        let lines = plot.text(width: 40).split(separator: "\n", omittingEmptySubsequences: false)
        let labels = lines[14].split(separator: " ")
        XCTAssertEqual(labels.dropLast().last, "4", String(lines[14]))
        XCTAssertFalse(labels.contains("3.7"), "the crowded label before the last yields")
    }

    func testLogScaleSpacesDoublingTicksEvenlyAndTheLaterSeriesMarkerWinsASharedCell() {
        let lines = passAtK.text(width: 50).split(separator: "\n", omittingEmptySubsequences: false)
        let ticks = lines[13].enumerated().filter { $0.element == "┬" }.map(\.offset)
        let gaps = zip(ticks.dropFirst(), ticks).map { $0 - $1 }
        XCTAssertEqual(ticks.count, 5)
        XCTAssertLessThanOrEqual((gaps.max() ?? 0) - (gaps.min() ?? 0), 1)
        XCTAssertEqual(lines.joined().filter { $0 == "■" }.count, 5 + 1, "five points and the legend")
        XCTAssertEqual(lines.joined().filter { $0 == "●" }.count, 4 + 1, "ar's k = 2 point (0.35) shares a cell with confidence's (0.33)")
    }

    func testPlotStylesItsSeriesAndFitsNarrowWidths() {
        var plot = passAtK
        plot.series[1].style = CellStyle(attributes: .bold)
        var screen = Screen(width: 30, height: plot.rowsWanted(width: 30))
        plot.render(into: &screen, in: screen.bounds)
        let marker = (0..<screen.height).flatMap { row in (0..<screen.width).map { (row, $0) } }
            .first { screen[$0.0, $0.1].character == "■" }
        XCTAssertEqual(marker.map { screen[$0.0, $0.1].style.attributes }, .bold)
        XCTAssertTrue(screen.text.split(separator: "\n").allSatisfy { TextPiece.displayWidth(of: String($0)) <= 30 })
    }

    func testHistogramBarsGrowInEighthsAndShareAScale() {
        XCTAssertEqual(HistogramView(edges: [0, 0.5, 1, 1.5, 2], counts: [40, 13, 0, 1]).text(width: 40), """
            0.00–0.50 │█████████████████████████ 40
            0.50–1.00 │████████▏ 13
            1.00–1.50 │ 0
            1.50–2.00 │▋ 1
            """)
        XCTAssertEqual(HistogramView(edges: [0, 1], counts: [20], scaleCount: 40).text(width: 40),
                       "0.00–1.00 │████████████▌ 20", "half of the shared scale is half of the 25-cell bar")
    }

    func testTableAlignsColumnsUnderARule() {
        let table = TextTable(columns: [.init("order", .left), .init("pass@1"), .init("pass@16")],
                              rows: [["ar", "0.20", "0.70"], ["confidence", "0.25"]])
        XCTAssertEqual(table.text(width: 60), """
            order       pass@1  pass@16
            ───────────────────────────
            ar            0.20     0.70
            confidence    0.25
            """)
        XCTAssertEqual(table.lines().count, table.rowsWanted(width: 60))
    }
}
