use openai_usage::*;

fn main() {
    // Completions cannot be grouped by `context_level`; only web search calls can.
    let _ = UsageCompletionsParams::new(1730419200)
        .group_by([UsageCompletionsGroupBy::ContextLevel]);
}
