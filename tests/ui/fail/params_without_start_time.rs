use openai_usage::*;

fn main() {
    // `start_time` is required.
    let _ = UsageCompletionsParams::new();
}
