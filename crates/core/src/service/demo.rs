//! Demo data for the embedded mode: seven accounts (password `mealstream`)
//! and six restaurants with menus around Lisbon's city centre.

use super::{password, Ctx};
use crate::store::{self, restaurants::NewRestaurant};
use model::error::AppError;
use model::Role;

pub use model::DEMO_PASSWORD;

struct DemoRestaurant {
    name: &'static str,
    cuisine: &'static str,
    address: &'static str,
    lat: f64,
    lng: f64,
    menu: &'static [(&'static str, &'static str, i64)],
}

const RESTAURANTS: &[DemoRestaurant] = &[
    DemoRestaurant {
        name: "Tasca do Rossio",
        cuisine: "Portuguese",
        address: "Rua dos Correeiros 12, Lisboa",
        lat: 38.7118,
        lng: -9.1376,
        menu: &[
            (
                "Bacalhau à Brás",
                "Shredded cod, egg, straw potatoes, olives",
                1450,
            ),
            ("Caldo verde", "Kale and potato soup with chouriço", 550),
            ("Bifana", "Marinated pork sandwich", 650),
            ("Pastel de nata", "Custard tart, cinnamon", 180),
            ("Vinho verde (glass)", "Young white wine", 450),
        ],
    },
    DemoRestaurant {
        name: "Sakura Bairro",
        cuisine: "Japanese",
        address: "Rua da Rosa 88, Lisboa",
        lat: 38.7131,
        lng: -9.1445,
        menu: &[
            ("Salmon nigiri (4)", "Fresh salmon on seasoned rice", 890),
            ("Tonkotsu ramen", "Pork broth, chashu, egg, nori", 1390),
            ("Gyoza (6)", "Pan-fried pork dumplings", 690),
            ("Edamame", "Sea salt", 450),
            ("Matcha mochi", "Two pieces", 520),
        ],
    },
    DemoRestaurant {
        name: "Forno Napoletano",
        cuisine: "Pizza",
        address: "Avenida da Liberdade 140, Lisboa",
        lat: 38.7196,
        lng: -9.1449,
        menu: &[
            (
                "Margherita",
                "San Marzano tomato, fior di latte, basil",
                1050,
            ),
            ("Diavola", "Spicy salami, chilli oil", 1290),
            ("Quattro formaggi", "Four cheeses", 1350),
            ("Tiramisu", "Mascarpone, espresso, cocoa", 650),
        ],
    },
    DemoRestaurant {
        name: "Curry Alfama",
        cuisine: "Indian",
        address: "Rua de São Miguel 21, Lisboa",
        lat: 38.7112,
        lng: -9.1297,
        menu: &[
            (
                "Chicken tikka masala",
                "Tandoori chicken, tomato cream",
                1290,
            ),
            ("Chana masala", "Chickpeas, onion, tomato (vegan)", 990),
            ("Garlic naan", "Baked in the tandoor", 350),
            ("Mango lassi", "Yoghurt, mango", 400),
        ],
    },
    DemoRestaurant {
        name: "Green Bowl Chiado",
        cuisine: "Salads & bowls",
        address: "Rua Garrett 50, Lisboa",
        lat: 38.7107,
        lng: -9.1421,
        menu: &[
            ("Falafel bowl", "Hummus, tabbouleh, pickles", 1150),
            ("Poke bowl", "Tuna, avocado, edamame, rice", 1350),
            ("Cold-pressed juice", "Apple, ginger, lemon", 450),
        ],
    },
    DemoRestaurant {
        name: "Burger Cais",
        cuisine: "Burgers",
        address: "Cais do Sodré 5, Lisboa",
        lat: 38.7063,
        lng: -9.1446,
        menu: &[
            ("Classic burger", "Beef, cheddar, pickles, fries", 1190),
            ("Veggie burger", "Black bean patty, fries", 1090),
            ("Sweet potato fries", "With aioli", 450),
            ("Milkshake", "Vanilla or chocolate", 500),
        ],
    },
];

const ACCOUNTS: &[(&str, &str, Role, Option<usize>)] = &[
    (
        "customer@mealstream.test",
        "Carla Customer",
        Role::Customer,
        None,
    ),
    (
        "customer2@mealstream.test",
        "Cid Customer",
        Role::Customer,
        None,
    ),
    (
        "restaurant@mealstream.test",
        "Rita (Tasca do Rossio)",
        Role::Restaurant,
        Some(0),
    ),
    (
        "restaurant2@mealstream.test",
        "Rui (Sakura Bairro)",
        Role::Restaurant,
        Some(1),
    ),
    ("driver@mealstream.test", "Diogo Driver", Role::Driver, None),
    ("driver2@mealstream.test", "Dora Driver", Role::Driver, None),
    ("admin@mealstream.test", "Ana Admin", Role::Admin, None),
];

/// The demo accounts, when this database holds them (the sign-in page
/// lists them, with their password, only then); else none.
pub async fn accounts(ctx: &Ctx) -> Result<Vec<model::DemoAccount>, AppError> {
    let (admin, _, _, _) = ACCOUNTS[ACCOUNTS.len() - 1];
    if store::users::credentials_by_email(&ctx.db, admin)
        .await?
        .is_none()
    {
        return Ok(Vec::new());
    }
    Ok(ACCOUNTS
        .iter()
        .map(|(email, name, _, _)| model::DemoAccount {
            email: (*email).to_owned(),
            name: (*name).to_owned(),
        })
        .collect())
}

/// Seeds the demo data when the database has no users yet. Returns whether
/// it seeded anything.
pub async fn seed_if_empty(ctx: &Ctx) -> Result<bool, AppError> {
    if store::users::count(&ctx.db).await? > 0 {
        return Ok(false);
    }
    let mut restaurant_ids = Vec::with_capacity(RESTAURANTS.len());
    for r in RESTAURANTS {
        let id = store::restaurants::insert(
            &ctx.db,
            &NewRestaurant {
                name: r.name,
                cuisine: r.cuisine,
                address: r.address,
                lat: r.lat,
                lng: r.lng,
            },
        )
        .await?;
        for (position, (name, description, price)) in r.menu.iter().enumerate() {
            store::restaurants::insert_menu_item(
                &ctx.db,
                id,
                name,
                description,
                *price,
                position as i64,
            )
            .await?;
        }
        restaurant_ids.push(id);
    }
    let demo_password = model::Password::parse(DEMO_PASSWORD)?;
    for (email, name, role, restaurant) in ACCOUNTS {
        let hash = password::hash(&demo_password).await?;
        let user = store::users::insert(&ctx.db, email, name, &hash, *role)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("{email} already exists")))?;
        if let Some(index) = restaurant {
            store::users::add_staff(&ctx.db, user.id, restaurant_ids[*index]).await?;
        }
    }
    tracing::info!(
        accounts = ACCOUNTS.len(),
        restaurants = RESTAURANTS.len(),
        "demo data seeded"
    );
    Ok(true)
}
