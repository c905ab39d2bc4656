//! The first program a user writes: the organization's costs since a date.
use openai_usage::{Client, UsageCostsParams};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let page = client
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await?;
    println!("{} buckets", page.data.len());
    Ok(())
}
