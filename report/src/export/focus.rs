//! Costs as FOCUS, the FinOps Foundation's open cost and usage format: one row per stored
//! costs result (a day, a project, a line item, an API key and an API source). Every column
//! FOCUS 1.0 defines, in its order, and with `--focus-version 1.2` the columns 1.1 and 1.2 added;
//! the mapping of each is in [`value`] and in ARCHITECTURE.md.

use openai_usage::rust_decimal::Decimal;
use openai_usage_store::dates::month_start;
use openai_usage_store::read::StoredResult;

use super::table::{Cell, Kind};

/// The FOCUS version written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum FocusVersion {
    /// FOCUS 1.0 (what focus-validator 1.0.0 checks).
    #[value(name = "1.0")]
    V1_0,
    /// FOCUS 1.2: 1.0's columns and those 1.1 and 1.2 added.
    #[value(name = "1.2")]
    V1_2,
}

use FocusVersion::{V1_0, V1_2};

/// Every column: its ID, kind, and the version that introduced it (for what this export
/// writes: 1.1's columns come with 1.2). Custom columns (`x_`) last.
pub const COLUMNS: &[(&str, Kind, FocusVersion)] = &[
    ("AvailabilityZone", Kind::Text, V1_0),
    ("BilledCost", Kind::Decimal, V1_0),
    ("BillingAccountId", Kind::Text, V1_0),
    ("BillingAccountName", Kind::Text, V1_0),
    ("BillingAccountType", Kind::Text, V1_2),
    ("BillingCurrency", Kind::Text, V1_0),
    ("BillingPeriodEnd", Kind::Time, V1_0),
    ("BillingPeriodStart", Kind::Time, V1_0),
    ("CapacityReservationId", Kind::Text, V1_2),
    ("CapacityReservationStatus", Kind::Text, V1_2),
    ("ChargeCategory", Kind::Text, V1_0),
    ("ChargeClass", Kind::Text, V1_0),
    ("ChargeDescription", Kind::Text, V1_0),
    ("ChargeFrequency", Kind::Text, V1_0),
    ("ChargePeriodEnd", Kind::Time, V1_0),
    ("ChargePeriodStart", Kind::Time, V1_0),
    ("CommitmentDiscountCategory", Kind::Text, V1_0),
    ("CommitmentDiscountId", Kind::Text, V1_0),
    ("CommitmentDiscountName", Kind::Text, V1_0),
    ("CommitmentDiscountQuantity", Kind::Decimal, V1_2),
    ("CommitmentDiscountStatus", Kind::Text, V1_0),
    ("CommitmentDiscountType", Kind::Text, V1_0),
    ("CommitmentDiscountUnit", Kind::Text, V1_2),
    ("ConsumedQuantity", Kind::Decimal, V1_0),
    ("ConsumedUnit", Kind::Text, V1_0),
    ("ContractedCost", Kind::Decimal, V1_0),
    ("ContractedUnitPrice", Kind::Decimal, V1_0),
    ("EffectiveCost", Kind::Decimal, V1_0),
    ("InvoiceId", Kind::Text, V1_2),
    ("InvoiceIssuerName", Kind::Text, V1_0),
    ("ListCost", Kind::Decimal, V1_0),
    ("ListUnitPrice", Kind::Decimal, V1_0),
    ("PricingCategory", Kind::Text, V1_0),
    ("PricingCurrency", Kind::Text, V1_2),
    ("PricingCurrencyContractedUnitPrice", Kind::Decimal, V1_2),
    ("PricingCurrencyEffectiveCost", Kind::Decimal, V1_2),
    ("PricingCurrencyListUnitPrice", Kind::Decimal, V1_2),
    ("PricingQuantity", Kind::Decimal, V1_0),
    ("PricingUnit", Kind::Text, V1_0),
    ("ProviderName", Kind::Text, V1_0),
    ("PublisherName", Kind::Text, V1_0),
    ("RegionId", Kind::Text, V1_0),
    ("RegionName", Kind::Text, V1_0),
    ("ResourceId", Kind::Text, V1_0),
    ("ResourceName", Kind::Text, V1_0),
    ("ResourceType", Kind::Text, V1_0),
    ("ServiceCategory", Kind::Text, V1_0),
    ("ServiceName", Kind::Text, V1_0),
    ("ServiceSubcategory", Kind::Text, V1_2),
    ("SkuId", Kind::Text, V1_0),
    ("SkuMeter", Kind::Text, V1_2),
    ("SkuPriceDetails", Kind::Text, V1_2),
    ("SkuPriceId", Kind::Text, V1_0),
    ("SubAccountId", Kind::Text, V1_0),
    ("SubAccountName", Kind::Text, V1_0),
    ("SubAccountType", Kind::Text, V1_2),
    ("Tags", Kind::Text, V1_0),
    ("x_ApiKeyId", Kind::Text, V1_0),
    ("x_ApiSource", Kind::Text, V1_0),
    ("x_ChargePeriodPartial", Kind::Bool, V1_0),
];

/// The columns of `version`, in order.
pub fn columns(version: FocusVersion) -> Vec<(&'static str, Kind)> {
    COLUMNS
        .iter()
        .filter(|(_, _, since)| *since <= version)
        .map(|(name, kind, _)| (*name, *kind))
        .collect()
}

/// OpenAI: the provider, the publisher and the invoice issuer of every charge.
const OPENAI: &str = "OpenAI";

/// The value of column `name` for the cost `cost` of project `project_name`.
pub fn value(name: &str, cost: &StoredResult, project_name: Option<&str>) -> Cell {
    let amount = Cell::Decimal(cost.amount.unwrap_or(Decimal::ZERO));
    let currency = cost
        .currency
        .as_deref()
        .map_or_else(|| "USD".to_owned(), str::to_uppercase);
    let quantity = || match cost.quantity {
        // The API sends a JSON number; its shortest exact text is what it sent.
        Some(q) if q.is_finite() => q
            .to_string()
            .parse::<Decimal>()
            .map_or(Cell::Null, Cell::Decimal),
        _ => Cell::Null,
    };
    // A line item reads `gpt-4o, input`: the service, then what is metered.
    let line_item = cost.line_item.as_deref();
    let (service, meter) = match line_item.and_then(|l| l.split_once(", ")) {
        Some((service, meter)) => (Some(service), Some(meter)),
        None => (line_item, line_item),
    };
    match name {
        "BilledCost"
        | "ContractedCost"
        | "EffectiveCost"
        | "ListCost"
        | "PricingCurrencyEffectiveCost" => amount,
        "BillingAccountId" | "BillingAccountName" => Cell::Text(cost.org.clone()),
        "BillingAccountType" => Cell::Text("Organization".into()),
        "BillingCurrency" | "PricingCurrency" => Cell::Text(currency),
        "BillingPeriodStart" => Cell::Time(month_start(cost.start_time)),
        "BillingPeriodEnd" => Cell::Time(month_start(month_start(cost.start_time) + 32 * 86_400)),
        "ChargeCategory" => Cell::Text("Usage".into()),
        "ChargeDescription" => Cell::Text(line_item.unwrap_or("OpenAI API usage").into()),
        "ChargeFrequency" => Cell::Text("Usage-Based".into()),
        "ChargePeriodStart" => Cell::Time(cost.start_time),
        "ChargePeriodEnd" => Cell::Time(cost.end_time),
        "ConsumedQuantity" | "PricingQuantity" => quantity(),
        "ConsumedUnit" | "PricingUnit" => Cell::text(cost.quantity_unit.clone()),
        "InvoiceIssuerName" | "ProviderName" | "PublisherName" => Cell::Text(OPENAI.into()),
        "PricingCategory" => Cell::Text("Standard".into()),
        "ServiceCategory" => Cell::Text("AI and Machine Learning".into()),
        "ServiceName" => Cell::Text(service.unwrap_or("OpenAI API").into()),
        "ServiceSubcategory" => Cell::Text("Generative AI".into()),
        "SkuId" | "SkuPriceId" => Cell::text(line_item),
        "SkuMeter" => Cell::text(meter),
        "SubAccountId" => Cell::text(cost.project_id.clone()),
        "SubAccountName" => Cell::text(project_name),
        "SubAccountType" => Cell::text(cost.project_id.as_ref().map(|_| "Project")),
        "x_ApiKeyId" => Cell::text(cost.api_key_id.clone()),
        "x_ApiSource" => Cell::text(cost.api_source.clone()),
        "x_ChargePeriodPartial" => Cell::Bool(cost.partial),
        // Availability zones, capacity reservations, charge classes (no corrections are
        // sent), commitment discounts, invoices, unit prices, regions, resources, SKU price
        // details and tags: OpenAI's costs have none of these.
        _ => Cell::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_0_has_no_column_of_later_versions() {
        let v10: Vec<_> = columns(FocusVersion::V1_0).iter().map(|c| c.0).collect();
        assert!(v10.contains(&"ProviderName") && !v10.contains(&"ServiceSubcategory"));
        let v12: Vec<_> = columns(FocusVersion::V1_2).iter().map(|c| c.0).collect();
        assert!(v12.len() > v10.len() && v12.contains(&"SkuMeter"));
    }
}
