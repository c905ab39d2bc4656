//! The first program a user writes: the organization's costs since a date.
use async_openai::{config::OpenAIConfig, traits::RequestOptionsBuilder, Client};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::with_config(OpenAIConfig::new());
    let page = client
        .admin()
        .usage()
        .query(&[("start_time", "1730419200")])?
        .costs()
        .await?;
    println!("{} buckets", page.data.len());
    Ok(())
}
