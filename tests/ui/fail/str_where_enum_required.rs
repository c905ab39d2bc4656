use openai_usage::*;

fn main() {
    // Allowed values are enums, not strings.
    let _ = UsageCompletionsParams::new(1730419200).bucket_width("1h");
    let _ = UsageCompletionsParams::new(1730419200).group_by(["model"]);
}
