use openai_usage::*;

fn main() {
    // `size` grouping belongs to images.
    let _ = UsageModerationsParams::new(1730419200).group_by([UsageModerationsGroupBy::Size]);
}
