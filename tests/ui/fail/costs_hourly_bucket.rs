use openai_usage::*;

fn main() {
    // Costs only come in daily buckets.
    let _ = UsageCostsParams::new(1730419200).bucket_width(UsageCostsBucketWidth::OneHour);
    let _ = UsageCostsParams::new(1730419200).bucket_width(UsageBucketWidth::OneHour);
}
