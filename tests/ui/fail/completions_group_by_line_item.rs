use openai_usage::*;

fn main() {
    // `line_item` grouping belongs to costs.
    let _ = UsageCompletionsParams::new(1730419200).group_by([UsageCostsGroupBy::LineItem]);
}
